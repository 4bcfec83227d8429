//! Character-level rules of XML 1.0: legal characters and names.

const LO: u64 = 0x0101_0101_0101_0101;
const HI: u64 = 0x8080_8080_8080_8080;

/// Whether any byte of `v` is below `n` (`n` at most 128).
#[inline]
fn has_byte_below(v: u64, n: u8) -> bool {
    (v.wrapping_sub(LO * u64::from(n)) & !v & HI) != 0
}

/// Whether any byte of `v` equals `b`.
#[inline]
fn has_byte(v: u64, b: u8) -> bool {
    let x = v ^ (LO * u64::from(b));
    (x.wrapping_sub(LO) & !x & HI) != 0
}

#[inline]
fn word_needs_check(v: u64) -> bool {
    has_byte_below(v, 0x20) | has_byte(v, b'<') | has_byte(v, b'&') | has_byte(v, 0xEF)
}

/// Whether `bytes` may hold something the value checks must look at: a control byte (tab,
/// line feed and carriage return included, which attribute-value normalisation changes), `<`,
/// `&` (a reference to resolve), or the lead byte `0xEF` of U+FFFE/U+FFFF. A value without any
/// of these is its own normalised form.
/// Eight bytes at a time (SWAR); almost every value answers `false`. The tail is read as
/// overlapping words, never copied into a stack buffer: a byte-wise copy followed by a word
/// load stalls store forwarding, which cost more than the check itself.
#[inline(always)]
pub(crate) fn needs_value_check(bytes: &[u8]) -> bool {
    let len = bytes.len();
    if len >= 8 {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            if word_needs_check(load_u64(chunk)) {
                return true;
            }
        }
        // The last eight bytes, overlapping bytes already checked (harmless for "any byte").
        return !chunks.remainder().is_empty() && word_needs_check(load_u64(&bytes[len - 8..]));
    }
    let word = if len >= 4 {
        u64::from(load_u32(bytes)) | u64::from(load_u32(&bytes[len - 4..])) << 32
    } else if len > 0 {
        // First, middle and last byte cover every byte of a value of one to three bytes; the
        // other five are a harmless filler.
        u64::from(bytes[0])
            | u64::from(bytes[len / 2]) << 8
            | u64::from(bytes[len - 1]) << 16
            | (LO * u64::from(b'A')) << 24
    } else {
        return false;
    };
    word_needs_check(word)
}

/// The first eight bytes of `b` (at least eight) as a little-endian word.
#[inline(always)]
fn load_u64(b: &[u8]) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(&b[..8]);
    u64::from_le_bytes(w)
}

/// The first four bytes of `b` (at least four) as a little-endian word.
#[inline(always)]
fn load_u32(b: &[u8]) -> u32 {
    let mut w = [0u8; 4];
    w.copy_from_slice(&b[..4]);
    u32::from_le_bytes(w)
}

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

/// Name classes of a byte, as bits: none = allowed anywhere (ASCII letters, `_`, `:`),
/// [`NOT_FIRST`] = allowed after the first character (digits, `-`, `.`), [`NEVER`] = an ASCII
/// byte no name may hold, [`NON_ASCII`] = part of a multi-byte character (decided by `char`).
const NAME_CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        t[c] = if !b.is_ascii() {
            NON_ASCII
        } else if b.is_ascii_alphabetic() || b == b'_' || b == b':' {
            0
        } else if b.is_ascii_digit() || b == b'-' || b == b'.' {
            NOT_FIRST
        } else {
            NEVER
        };
        c += 1;
    }
    t
};
const NOT_FIRST: u8 = 1;
const NEVER: u8 = 2;
const NON_ASCII: u8 = 4;

/// Whether `s` is an XML 1.0 `Name` (namespaces off: colons allowed anywhere).
///
/// One branch-free pass over the bytes decides ASCII names (all names in these formats);
/// a name with other characters is decided character by character.
#[inline]
pub(crate) fn is_name(s: &str) -> bool {
    let bytes = s.as_bytes();
    let Some((&first, rest)) = bytes.split_first() else {
        return false;
    };
    let head = NAME_CLASS[usize::from(first)];
    let tail = rest
        .iter()
        .fold(0u8, |acc, &b| acc | NAME_CLASS[usize::from(b)]);
    if (head | tail) & NON_ASCII == 0 {
        return head == 0 && tail & NEVER == 0;
    }
    if tail & NEVER != 0 || head & (NEVER | NOT_FIRST) != 0 {
        return false;
    }
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
    fn value_check_finds_every_suspicious_byte_at_every_position() {
        for len in 0..20 {
            let clean = vec![b'x'; len];
            assert!(!needs_value_check(&clean));
            for at in 0..len {
                for bad in [0u8, 3, b'\t', b'\n', 0x1f, b'<', b'&', 0xEF] {
                    let mut v = clean.clone();
                    v[at] = bad;
                    assert!(needs_value_check(&v), "len {len} at {at} byte {bad:#x}");
                }
                for fine in [b' ', b'>', 0x7f, 0x80, 0xC3, 0xEE, 0xF0, 0xFF] {
                    let mut v = clean.clone();
                    v[at] = fine;
                    assert!(!needs_value_check(&v), "len {len} at {at} byte {fine:#x}");
                }
            }
        }
    }

    /// The character-by-character definition the fast path must agree with.
    fn is_name_reference(s: &str) -> bool {
        let mut chars = s.chars();
        matches!(chars.next(), Some(c) if is_name_start(c)) && chars.all(is_name_char)
    }

    #[test]
    fn fast_names_agree_with_the_definition() {
        let alphabet = [
            "a", "Z", "_", ":", "0", "-", ".", " ", "<", "\u{7f}", "é", "\u{B7}", "\u{300}",
            "\u{D7}", "😀",
        ];
        for a in alphabet {
            for b in alphabet {
                for c in alphabet {
                    for s in [a.to_string(), format!("{a}{b}"), format!("{a}{b}{c}")] {
                        assert_eq!(is_name(&s), is_name_reference(&s), "{s:?}");
                    }
                }
            }
        }
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
