//! Limits every reader enforces, with safe defaults.

use std::fmt;

/// Resource limits for reading one document. Exceeding one is an [`ErrorKind::Limit`] error
/// naming the limit and the position.
///
/// The defaults are far above any real inventory (the largest known are a few MB gzipped) and
/// low enough that a hostile upload cannot exhaust a server.
///
/// [`ErrorKind::Limit`]: crate::ErrorKind::Limit
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Maximum size of the XML text after decompression and transcoding. Default 1 GiB.
    pub max_xml_bytes: u64,
    /// Maximum element nesting depth (the root is depth 1). Default 256.
    pub max_depth: usize,
    /// Maximum attributes on one element. Default 1,024.
    pub max_attributes: usize,
    /// Maximum length in bytes of one attribute value, text node or markup construct.
    /// Default 64 MiB: embedded archives are legitimately large (a 64 MiB base64 blob holds a
    /// 48 MB file, far above any real upload), and a streamed value is held in memory once.
    pub max_value_bytes: u64,
    /// Maximum number of elements in one document. Default 50,000,000.
    pub max_elements: u64,
    /// Largest gzipped document decompressed into memory for zero-copy reading; larger ones
    /// are streamed. Default 64 MiB.
    pub max_in_memory_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_xml_bytes: 1 << 30,
            max_depth: 256,
            max_attributes: 1024,
            max_value_bytes: 64 << 20,
            max_elements: 50_000_000,
            max_in_memory_bytes: 64 << 20,
        }
    }
}

/// Names one of the [`Limits`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Limit {
    /// [`Limits::max_xml_bytes`].
    XmlBytes,
    /// [`Limits::max_depth`].
    Depth,
    /// [`Limits::max_attributes`].
    Attributes,
    /// [`Limits::max_value_bytes`].
    ValueBytes,
    /// [`Limits::max_elements`].
    Elements,
}

impl Limit {
    /// The stable rule id of this limit, e.g. `limit-depth`.
    pub fn rule(self) -> &'static str {
        match self {
            Limit::XmlBytes => "limit-xml-bytes",
            Limit::Depth => "limit-depth",
            Limit::Attributes => "limit-attributes",
            Limit::ValueBytes => "limit-value-bytes",
            Limit::Elements => "limit-elements",
        }
    }
}

impl fmt::Display for Limit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Limit::XmlBytes => "decompressed XML size (max_xml_bytes)",
            Limit::Depth => "nesting depth (max_depth)",
            Limit::Attributes => "attributes per element (max_attributes)",
            Limit::ValueBytes => "value length in bytes (max_value_bytes)",
            Limit::Elements => "elements per document (max_elements)",
        })
    }
}
