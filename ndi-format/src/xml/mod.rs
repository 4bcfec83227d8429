//! The private XML core: characters, positions and the event source over quick-xml.

pub(crate) mod attributes;
pub(crate) mod chars;
pub(crate) mod lines;
pub(crate) mod source;
