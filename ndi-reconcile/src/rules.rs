//! The rules of reconciliation: which edges join documents, in which order, which values
//! identify nothing, and the thresholds. [`Rules::default`] is the documented default
//! (`docs/RECONCILE.md`); a JSON file read with [`Rules::from_json`] replaces any part of it.

use serde::{Deserialize, Serialize};

use crate::ReconcileError;

/// An edge rule between two documents (RECONCILE.md section 2), named as in the rules file
/// and in `device_map.match_reason`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// Same agent id.
    AgentId,
    /// Same serial number, manufacturer and model.
    SerialManufacturerModel,
    /// Same serial number and machine name.
    SerialName,
    /// Same hardware UUID and machine name.
    UuidName,
    /// Same machine name and domain (weak).
    NameDomain,
    /// Same machine name alone (off by default).
    Name,
}

impl Rule {
    /// Every rule, strongest first.
    pub const ALL: [Rule; 6] = [
        Rule::AgentId,
        Rule::SerialManufacturerModel,
        Rule::SerialName,
        Rule::UuidName,
        Rule::NameDomain,
        Rule::Name,
    ];

    /// The rule's name (`agent_id`, `serial_manufacturer_model`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Rule::AgentId => "agent_id",
            Rule::SerialManufacturerModel => "serial_manufacturer_model",
            Rule::SerialName => "serial_name",
            Rule::UuidName => "uuid_name",
            Rule::NameDomain => "name_domain",
            Rule::Name => "name",
        }
    }
}

/// The values that never identify anything, by default (compared trimmed and
/// case-insensitively).
pub const DEFAULT_JUNK_VALUES: &[&str] = &[
    "",
    "0",
    "None",
    "N/A",
    "NA",
    "Not Specified",
    "Not Applicable",
    "Not Available",
    "Default string",
    "To be filled by O.E.M.",
    "To Be Filled By O.E.M.",
    "System Serial Number",
    "Chassis Serial Number",
    "Base Board Serial Number",
    "SerialNumber",
    "Serial Number",
    "123456789",
    "1234567890",
    "Unknown",
    "Invalid",
    "Null",
];

/// The reconciliation's configuration. Every field has a default, so a rules file names only
/// what it changes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Rules {
    /// The edge rules applied, strongest first. Default: every rule but `name`.
    pub order: Vec<Rule>,
    /// Identity values treated as absent (trimmed, case-insensitive).
    pub junk_values: Vec<String>,
    /// Treat a value made of one repeated character (ignoring `-`, `:` and spaces) as absent:
    /// `00000000-0000-0000-0000-000000000000`, `FFFFFFFF-...`, `xxxxxxx`. Default: true.
    pub junk_repeated_character: bool,
    /// A device whose last inventory is older than this many days before the as-of time is
    /// stale. Default: 30.
    pub stale_days: u32,
    /// The usage window in days. Default: 90.
    pub usage_days: u32,
    /// An installation is used when one usage record in the window ran at least this many
    /// seconds. Default: 60.
    pub used_min_seconds: i64,
    /// Demote a hardware UUID carried by documents with different usable serial numbers (a
    /// cloned VM's UUID). Default: true.
    pub demote_shared_uuid: bool,
    /// Demote a serial number carried by documents with different manufacturer or model, or
    /// by different agent ids reporting at the same time (an image's serial). Default: true.
    pub demote_shared_serial: bool,
    /// How many different groups one key value (a machine name, say) is tried against before
    /// a document stops looking. Bounds the work on values many devices share. Default: 16.
    pub max_groups_per_value: usize,
}

impl Default for Rules {
    fn default() -> Self {
        Rules {
            order: vec![
                Rule::AgentId,
                Rule::SerialManufacturerModel,
                Rule::SerialName,
                Rule::UuidName,
                Rule::NameDomain,
            ],
            junk_values: DEFAULT_JUNK_VALUES.iter().map(|s| s.to_string()).collect(),
            junk_repeated_character: true,
            stale_days: 30,
            usage_days: 90,
            used_min_seconds: 60,
            demote_shared_uuid: true,
            demote_shared_serial: true,
            max_groups_per_value: 16,
        }
    }
}

impl Rules {
    /// Reads rules from JSON text; missing fields keep their defaults, unknown fields and a
    /// rule named twice are errors.
    pub fn from_json(text: &str) -> Result<Rules, ReconcileError> {
        let rules: Rules =
            serde_json::from_str(text).map_err(|e| ReconcileError::Rules(e.to_string()))?;
        rules.check()?;
        Ok(rules)
    }

    /// The rules as pretty JSON (the default rules file is `Rules::default().to_json()`).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Checks that no rule is named twice and that the bound is at least 1.
    pub fn check(&self) -> Result<(), ReconcileError> {
        for (i, r) in self.order.iter().enumerate() {
            if self.order[..i].contains(r) {
                return Err(ReconcileError::Rules(format!(
                    "rule `{}` named twice in `order`",
                    r.name()
                )));
            }
        }
        if self.max_groups_per_value == 0 {
            return Err(ReconcileError::Rules(
                "`max_groups_per_value` must be at least 1".into(),
            ));
        }
        Ok(())
    }

    pub(crate) fn junk(&self) -> Junk {
        let mut values: Vec<String> = self
            .junk_values
            .iter()
            .map(|v| v.trim().to_lowercase())
            .collect();
        values.sort();
        values.dedup();
        Junk {
            values,
            repeated: self.junk_repeated_character,
        }
    }
}

/// The junk test, prepared.
#[derive(Debug)]
pub(crate) struct Junk {
    values: Vec<String>,
    repeated: bool,
}

impl Junk {
    /// Whether a normalised (trimmed, lower-case) value identifies nothing.
    pub(crate) fn is_junk(&self, normalised: &str) -> bool {
        if normalised.is_empty()
            || self
                .values
                .binary_search_by(|v| v.as_str().cmp(normalised))
                .is_ok()
        {
            return true;
        }
        if self.repeated {
            let mut chars = normalised
                .chars()
                .filter(|c| !matches!(c, '-' | ':' | ' ' | '{' | '}'));
            match chars.next() {
                None => return true,
                Some(first) => {
                    if chars.all(|c| c == first) {
                        return true;
                    }
                }
            }
        }
        false
    }
}

/// Trims and lower-cases an identity value.
pub(crate) fn normalise(value: &str) -> String {
    value.trim().to_lowercase()
}

/// [`normalise`], borrowing when the value is already trimmed and lower-case.
pub(crate) fn normalise_cow(value: std::borrow::Cow<'_, str>) -> std::borrow::Cow<'_, str> {
    use std::borrow::Cow;
    match value {
        Cow::Borrowed(b) => {
            let t = b.trim();
            if t.bytes().any(|c| c.is_ascii_uppercase() || !c.is_ascii()) {
                Cow::Owned(t.to_lowercase())
            } else {
                Cow::Borrowed(t)
            }
        }
        Cow::Owned(o) => Cow::Owned(normalise(&o)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn junk_values_are_recognised() {
        let junk = Rules::default().junk();
        for v in [
            "to be filled by o.e.m.",
            "0",
            "",
            "00000000-0000-0000-0000-000000000000",
            "ffffffff-ffff-ffff-ffff-ffffffffffff",
            "aaaa",
            "123456789",
        ] {
            assert!(junk.is_junk(v), "{v}");
        }
        for v in ["5cg1234xyz", "4c4c4544-0042-3510-8052-b4c04f4e3732", "ab"] {
            assert!(!junk.is_junk(v), "{v}");
        }
    }

    #[test]
    fn rules_file_round_trips_and_rejects_duplicates() {
        let rules = Rules::default();
        assert_eq!(Rules::from_json(&rules.to_json()).ok(), Some(rules));
        let partial =
            Rules::from_json(r#"{"order": ["name_domain", "agent_id"], "stale_days": 7}"#).ok();
        let partial = partial.as_ref();
        assert_eq!(
            partial.map(|r| r.order.clone()),
            Some(vec![Rule::NameDomain, Rule::AgentId])
        );
        assert_eq!(partial.map(|r| r.usage_days), Some(90));
        assert!(Rules::from_json(r#"{"order": ["name", "name"]}"#).is_err());
        assert!(Rules::from_json(r#"{"colour": 1}"#).is_err());
        assert!(Rules::from_json(r#"{"order": ["bogus"]}"#).is_err());
    }
}
