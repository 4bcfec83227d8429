//! Attribute names: whether each is an XML name (short ones remembered once valid) and
//! whether a tag repeats one, in time linear in the tag even for hostile tags.

use std::collections::HashSet;
use std::hash::{BuildHasher, RandomState};

use crate::xml::chars::is_name;

/// The attribute names of one tag, as spans of the tag's text, for the duplicate check.
/// Linear for the few attributes real tags have; past [`AttributeKeys::LINEAR`] a set of
/// hashes keeps a hostile tag with a thousand attributes from costing a million comparisons.
/// Both are reused from tag to tag, so reading allocates nothing here once warm.
///
/// It also remembers short names already found valid, so the handful of attribute names a
/// document repeats thousands of times are checked against the XML name rules once.
#[derive(Default)]
pub(super) struct AttributeKeys {
    /// Start, length and [`prefix_word`] of each name so far.
    spans: Vec<(usize, usize, u64)>,
    /// One bit per name so far (a hash of it), while the names are few.
    seen: u64,
    hashes: HashSet<u64>,
    /// Seeded per process, so crafted names cannot aim at collisions.
    hasher: RandomState,
    /// Valid names of one to eight bytes, as (word, length), direct-mapped by word.
    valid: ValidNames,
}

/// A direct-mapped cache of valid short names; an empty slot has length 0, which no looked-up
/// name has.
struct ValidNames([(u64, usize); 64]);

impl Default for ValidNames {
    fn default() -> Self {
        ValidNames([(0, 0); 64])
    }
}

impl AttributeKeys {
    const LINEAR: usize = 16;

    /// Whether `name` (with its [`prefix_word`] `word`) is an XML name.
    #[inline]
    pub(super) fn is_valid_name(&mut self, name: &str, word: u64) -> bool {
        let len = name.len();
        if !(1..=8).contains(&len) {
            return is_name(name);
        }
        // Fibonacci hashing of the word picks the slot.
        let slot = (word.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 58) as usize;
        if self.valid.0[slot] == (word, len) {
            return true;
        }
        let ok = is_name(name);
        if ok {
            self.valid.0[slot] = (word, len);
        }
        ok
    }

    pub(super) fn clear(&mut self) {
        self.spans.clear();
        self.hashes.clear();
        self.seen = 0;
    }

    /// Records the name at `raw[at..at + len]` (with its [`prefix_word`] `word`); returns
    /// where the same name was first seen if this is a duplicate.
    pub(super) fn insert(&mut self, raw: &str, at: usize, len: usize, word: u64) -> Option<usize> {
        let bytes = raw.as_bytes();
        let key = &bytes[at..at + len];
        // Names of up to eight bytes are equal when length and word are; longer ones when
        // their bytes are too.
        let same = |&&(s, l, w): &&(usize, usize, u64)| {
            l == len && w == word && (len <= 8 || bytes[s..s + l] == *key)
        };
        if self.spans.len() < Self::LINEAR {
            // A 64-bit filter of the names so far: a name whose bit is not yet set is new, and
            // most are, so most names are never compared at all.
            let last = u64::from(key.last().copied().unwrap_or(0));
            let mixed = word ^ ((len as u64) << 56) ^ (last << 48);
            let bit = 1u64 << (mixed.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 58);
            if self.seen & bit != 0
                && let Some(&(first, _, _)) = self.spans.iter().find(same)
            {
                return Some(first);
            }
            self.seen |= bit;
        } else {
            if self.hashes.is_empty() {
                for &(s, l, _) in &self.spans {
                    self.hashes.insert(self.hasher.hash_one(&bytes[s..s + l]));
                }
            }
            // Compare only when the hash was seen before (a duplicate or a rare collision).
            if !self.hashes.insert(self.hasher.hash_one(key))
                && let Some(&(first, _, _)) = self.spans.iter().find(same)
            {
                return Some(first);
            }
        }
        self.spans.push((at, len, word));
        None
    }
}

/// The first (up to) eight bytes of `bytes[at..at + len]` as a word, zero past the name.
#[inline]
pub(super) fn prefix_word(bytes: &[u8], at: usize, len: usize) -> u64 {
    if let Some(chunk) = bytes.get(at..at + 8) {
        let mut w = [0u8; 8];
        w.copy_from_slice(chunk);
        let word = u64::from_le_bytes(w);
        if len >= 8 {
            word
        } else {
            word & ((1u64 << (8 * len)) - 1)
        }
    } else {
        bytes[at..at + len.min(8)]
            .iter()
            .rev()
            .fold(0u64, |acc, &b| acc << 8 | u64::from(b))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cached_names_are_told_apart_by_length_and_bytes() {
        let mut keys = AttributeKeys::default();
        let raw = "ab ab\0 a\0 1a :x:";
        let check = |keys: &mut AttributeKeys, at: usize, len: usize| {
            let name = &raw[at..at + len];
            keys.is_valid_name(name, prefix_word(raw.as_bytes(), at, len))
        };
        // Twice each: the second answer comes from the cache when the first was "valid".
        for _ in 0..2 {
            assert!(check(&mut keys, 0, 2), "ab");
            assert!(!check(&mut keys, 3, 3), "ab\\0");
            assert!(!check(&mut keys, 7, 2), "a\\0");
            assert!(!check(&mut keys, 10, 2), "1a");
            assert!(check(&mut keys, 13, 3), ":x:");
        }
    }

    #[test]
    fn duplicate_attribute_names_are_found_below_and_above_the_linear_limit() {
        fn insert(keys: &mut AttributeKeys, raw: &str, at: usize, len: usize) -> Option<usize> {
            keys.insert(raw, at, len, prefix_word(raw.as_bytes(), at, len))
        }
        for (count, stem) in [1, 2, 15, 16, 17, 40]
            .into_iter()
            .flat_map(|c| [(c, "a"), (c, "LongName")])
        {
            let names: Vec<String> = (0..count).map(|i| format!("{stem}{i}")).collect();
            let mut raw = String::from("e");
            let mut spans = Vec::new();
            for n in &names {
                raw.push(' ');
                spans.push(raw.len());
                raw.push_str(n);
            }
            let mut keys = AttributeKeys::default();
            for (n, &at) in names.iter().zip(&spans) {
                assert_eq!(insert(&mut keys, &raw, at, n.len()), None, "{n} of {count}");
            }
            // Each name again (as if repeated later in the tag) is a duplicate of its first.
            for (n, &first) in names.iter().zip(&spans) {
                let mut again = AttributeKeys::default();
                for (m, &at) in names.iter().zip(&spans) {
                    insert(&mut again, &raw, at, m.len());
                }
                let found = insert(&mut again, &raw, first, n.len());
                assert_eq!(found, Some(first), "{n} of {count}");
            }
            keys.clear();
            assert_eq!(insert(&mut keys, &raw, spans[0], names[0].len()), None);
        }
    }
}
