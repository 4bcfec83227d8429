//! Findings: what `validate` reports about a document, from every crate's rules.

use std::fmt;

use crate::error::{Error, Location, Warning};

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The document loads, but something is off.
    Warning,
    /// The document is invalid.
    Error,
}

impl Severity {
    /// `warning` or `error`.
    pub fn name(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One problem found in a document by a reader or by a format rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Error or warning.
    pub severity: Severity,
    /// A stable rule id, e.g. `xml-syntax`, `ndi-root-datetime`, `nds-timestart`.
    pub rule: &'static str,
    /// What is wrong, naming the attribute and value where there is one.
    pub message: String,
    /// Where.
    pub location: Location,
}

impl Finding {
    /// A finding of `severity` for `rule`.
    pub fn new(
        severity: Severity,
        rule: &'static str,
        message: impl Into<String>,
        location: Location,
    ) -> Self {
        Finding {
            severity,
            rule,
            message: message.into(),
            location,
        }
    }
}

impl From<&Error> for Finding {
    fn from(e: &Error) -> Self {
        Finding::new(Severity::Error, e.rule(), e.message(), e.location().clone())
    }
}

impl From<&Warning> for Finding {
    fn from(w: &Warning) -> Self {
        Finding::new(
            Severity::Warning,
            w.kind.rule(),
            w.kind.to_string(),
            w.location.clone(),
        )
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let loc = self.location.to_string();
        if loc.is_empty() {
            write!(f, "{}: {} [{}]", self.severity, self.message, self.rule)
        } else {
            write!(
                f,
                "{loc}: {}: {} [{}]",
                self.severity, self.message, self.rule
            )
        }
    }
}
