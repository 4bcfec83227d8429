//! Hardware: machine models, processors and components.

pub(crate) mod components;
pub(crate) mod models;
pub(crate) mod processors;
