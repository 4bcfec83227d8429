//! Character-level rules of XML 1.0: legal characters and names.

/// The first character XML 1.0 forbids in `s`, with its byte index.
///
/// Allowed: tab, line feed, carriage return, U+0020..=U+D7FF, U+E000..=U+FFFD and above
/// U+FFFF. (Surrogates cannot occur in a Rust string.)
#[inline]
pub(crate) fn first_illegal_char(s: &str) -> Option<(usize, char)> {
    let bytes = s.as_bytes();
    // Fast path: only control bytes and the three-byte sequences for U+FFFE/U+FFFF matter.
    let suspicious = bytes
        .iter()
        .position(|&b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || b == 0xEF)?;
    s[suspicious..]
        .char_indices()
        .find(|&(_, c)| !is_xml_char(c))
        .map(|(i, c)| (suspicious + i, c))
}

/// Whether `c` is a `Char` of XML 1.0.
#[inline]
pub(crate) fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

fn is_name_start(c: char) -> bool {
    matches!(c,
        ':' | 'A'..='Z' | '_' | 'a'..='z'
        | '\u{C0}'..='\u{D6}' | '\u{D8}'..='\u{F6}' | '\u{F8}'..='\u{2FF}'
        | '\u{370}'..='\u{37D}' | '\u{37F}'..='\u{1FFF}' | '\u{200C}'..='\u{200D}'
        | '\u{2070}'..='\u{218F}' | '\u{2C00}'..='\u{2FEF}' | '\u{3001}'..='\u{D7FF}'
        | '\u{F900}'..='\u{FDCF}' | '\u{FDF0}'..='\u{FFFD}' | '\u{10000}'..='\u{EFFFF}')
}

fn is_name_char(c: char) -> bool {
    is_name_start(c)
        || matches!(c, '-' | '.' | '0'..='9' | '\u{B7}' | '\u{300}'..='\u{36F}' | '\u{203F}'..='\u{2040}')
}

/// Whether `s` is an XML 1.0 `Name` (namespaces off: colons allowed anywhere).
#[inline]
pub(crate) fn is_name(s: &str) -> bool {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) if is_name_start(c) => chars.all(is_name_char),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn illegal_characters() {
        assert_eq!(first_illegal_char("abc"), None);
        assert_eq!(first_illegal_char("a\tb\r\n"), None);
        assert_eq!(first_illegal_char("ab\u{3}c"), Some((2, '\u{3}')));
        assert_eq!(first_illegal_char("é\u{FFFE}"), Some((2, '\u{FFFE}')));
        assert_eq!(first_illegal_char("\u{FEFF}ok"), None);
    }

    #[test]
    fn names() {
        assert!(is_name("Inventory"));
        assert!(is_name("NETDEPLOY::CODEBASE"));
        assert!(is_name("_x-1.2"));
        assert!(is_name("Größe"));
        assert!(!is_name("1abc"));
        assert!(!is_name(""));
        assert!(!is_name("a b"));
        assert!(!is_name("-a"));
    }
}
