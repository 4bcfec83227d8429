//! The private XML core: characters, positions and the event source over quick-xml.

pub(crate) mod attributes;
pub(crate) mod chars;
pub(crate) mod source;
pub(crate) mod tracking;
