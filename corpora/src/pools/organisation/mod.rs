//! Organisations, their sites and their people.

pub(crate) mod companies;
pub(crate) mod people;
pub(crate) mod sites;
