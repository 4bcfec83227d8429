//! Splitting a start tag into its `name="value"` pairs.
//!
//! quick-xml tokenises the document and hands us each start tag whole; this scanner walks the
//! attributes of one tag. It accepts exactly the syntax quick-xml's attribute iterator accepts
//! in XML mode and reports the same errors at the same places, but it finds the closing quote
//! with `memchr` instead of byte by byte, and it leaves the duplicate check to the assembler
//! (which keeps its state across tags and so allocates nothing per tag). Both were most of the
//! reader's time spent in attributes, and attributes are most of an inventory.
//!
//! Everything the scanner does not decide (names are XML names, whitespace separates
//! attributes, no name repeats, values hold no `<`) the assembler checks on what it returns.

/// One attribute of a tag, as found in the tag's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RawAttribute<'t> {
    /// The name, as written.
    pub(crate) key: &'t str,
    /// Where the name starts in the tag text.
    pub(crate) key_at: usize,
    /// The value between the quotes, not yet unescaped or normalised.
    pub(crate) value: &'t str,
    /// Where the value starts in the tag text (after the opening quote).
    pub(crate) value_at: usize,
}

/// A syntax error in a tag's attributes, with its position in the tag text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AttributeSyntax {
    /// A name not followed by `=`.
    ExpectedEq(usize),
    /// `=` at the end of the tag.
    ExpectedValue(usize),
    /// A value without quotes.
    UnquotedValue(usize),
    /// A value whose quote is not closed.
    ExpectedQuote(usize, u8),
}

impl AttributeSyntax {
    /// Where the error is in the tag text, and what it is.
    pub(crate) fn describe(self) -> (usize, String) {
        match self {
            Self::ExpectedEq(at) => (at, "expected '=' after attribute name".into()),
            Self::ExpectedValue(at) => (at, "expected an attribute value".into()),
            Self::UnquotedValue(at) => (at, "attribute value must be quoted".into()),
            Self::ExpectedQuote(at, q) => {
                (at, format!("attribute value not closed by {:?}", q as char))
            }
        }
    }
}

/// The attributes of one tag: `text` is the tag's content without `<` and `>` (and without
/// the `/` of an empty element), `from` where the element name ends.
pub(crate) struct Attributes<'t> {
    text: &'t str,
    pos: usize,
}

impl<'t> Attributes<'t> {
    pub(crate) fn new(text: &'t str, from: usize) -> Self {
        Attributes { text, pos: from }
    }

    /// Index of the first byte at or after `from` that is not XML whitespace.
    #[inline]
    fn skip_space(&self, from: usize) -> Option<usize> {
        let bytes = self.text.as_bytes();
        (from..bytes.len()).find(|&i| !is_space(bytes[i]))
    }

    fn fail(&mut self, e: AttributeSyntax) -> Option<Result<RawAttribute<'t>, AttributeSyntax>> {
        self.pos = self.text.len();
        Some(Err(e))
    }
}

#[inline]
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

impl<'t> Iterator for Attributes<'t> {
    type Item = Result<RawAttribute<'t>, AttributeSyntax>;

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        let bytes = self.text.as_bytes();
        let len = bytes.len();
        let Some(key_at) = self.skip_space(self.pos) else {
            self.pos = len;
            return None;
        };
        // The name runs to `=` or whitespace; its first byte is part of it whatever it is
        // (`="x"` has the name `="x"`, which the name check then refuses), as in quick-xml.
        let key_end = (key_at + 1..len)
            .find(|&i| bytes[i] == b'=' || is_space(bytes[i]))
            .unwrap_or(len);
        let eq = if key_end < len && bytes[key_end] == b'=' {
            key_end
        } else {
            match self.skip_space(key_end) {
                Some(i) if bytes[i] == b'=' => i,
                Some(i) => return self.fail(AttributeSyntax::ExpectedEq(i)),
                None => return self.fail(AttributeSyntax::ExpectedEq(len)),
            }
        };
        let Some(open) = self.skip_space(eq + 1) else {
            return self.fail(AttributeSyntax::ExpectedValue(len));
        };
        let quote = bytes[open];
        if quote != b'"' && quote != b'\'' {
            return self.fail(AttributeSyntax::UnquotedValue(open));
        }
        let value_at = open + 1;
        let Some(close) = memchr::memchr(quote, &bytes[value_at..]).map(|n| value_at + n) else {
            return self.fail(AttributeSyntax::ExpectedQuote(len, quote));
        };
        self.pos = close + 1;
        // Every boundary is next to an ASCII delimiter, so each slice is on a char boundary.
        match (
            self.text.get(key_at..key_end),
            self.text.get(value_at..close),
        ) {
            (Some(key), Some(value)) => Some(Ok(RawAttribute {
                key,
                key_at,
                value,
                value_at,
            })),
            _ => self.fail(AttributeSyntax::ExpectedEq(key_at)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Name, its position, value, its position.
    type Found<'t> = (&'t str, usize, &'t str, usize);

    fn scan(text: &str) -> Vec<Result<Found<'_>, AttributeSyntax>> {
        let from = text
            .find(|c: char| c.is_ascii_whitespace())
            .unwrap_or(text.len());
        Attributes::new(text, from)
            .map(|r| r.map(|a| (a.key, a.key_at, a.value, a.value_at)))
            .collect()
    }

    #[test]
    fn pairs_with_either_quote_and_spaces_around_eq() {
        assert_eq!(
            scan("e a=\"1\" b = '2'\tc=\"\"  "),
            vec![
                Ok(("a", 2, "1", 5)),
                Ok(("b", 8, "2", 13)),
                Ok(("c", 16, "", 19))
            ]
        );
        assert_eq!(scan("e"), vec![]);
        assert_eq!(
            scan("e a='x\"y' b=\"x'y\""),
            vec![Ok(("a", 2, "x\"y", 5)), Ok(("b", 10, "x'y", 13))]
        );
    }

    #[test]
    fn syntax_errors_match_quick_xml_positions() {
        // Every case below is also run through quick-xml's iterator by the test after this.
        for (text, error) in cases() {
            assert_eq!(scan(text).last().copied(), Some(Err(*error)), "{text:?}");
        }
    }

    fn cases() -> &'static [(&'static str, AttributeSyntax)] {
        use AttributeSyntax as S;
        &[
            ("e a", S::ExpectedEq(3)),
            ("e a ", S::ExpectedEq(4)),
            ("e a b=\"1\"", S::ExpectedEq(4)),
            ("e a=", S::ExpectedValue(4)),
            ("e a= ", S::ExpectedValue(5)),
            ("e a=1", S::UnquotedValue(4)),
            ("e a= x'", S::UnquotedValue(5)),
            ("e a=\"1", S::ExpectedQuote(6, b'"')),
            ("e a='1\"", S::ExpectedQuote(7, b'\'')),
            ("e x='1' a", S::ExpectedEq(9)),
        ]
    }

    #[test]
    fn same_answers_as_quick_xml() {
        use quick_xml::events::attributes::AttrError as Q;
        let inputs = [
            "e a=\"1\" b = '2'\tc=\"\"  ",
            "e a='x\"y' b=\"x'y\"",
            "e  é='ü' x:y=\"&amp;\"",
            "e a=\"1\"b=\"2\"",
        ];
        // And every short string over the characters that matter to the syntax.
        let alphabet = ['a', '=', '"', '\'', ' ', '\t', 'é'];
        let mut generated = Vec::new();
        let mut word = Vec::new();
        fn grow(word: &mut Vec<char>, alphabet: &[char], out: &mut Vec<String>) {
            out.push(std::iter::once('e').chain(word.iter().copied()).collect());
            if word.len() < 6 {
                for &c in alphabet {
                    word.push(c);
                    grow(word, alphabet, out);
                    word.pop();
                }
            }
        }
        grow(&mut word, &alphabet, &mut generated);
        let all = inputs
            .iter()
            .copied()
            .chain(cases().iter().map(|c| c.0))
            .chain(generated.iter().map(String::as_str));
        for text in all {
            let start = quick_xml::events::BytesStart::from_content(text, 1);
            let mut attrs = start.attributes();
            attrs.with_checks(false);
            let theirs: Vec<_> = attrs
                .map(|r| {
                    r.map(|a| (a.key.0.to_string(), a.value.to_string()))
                        .map_err(|e| match e {
                            Q::ExpectedEq(at) => AttributeSyntax::ExpectedEq(at),
                            Q::ExpectedValue(at) => AttributeSyntax::ExpectedValue(at),
                            Q::UnquotedValue(at) => AttributeSyntax::UnquotedValue(at),
                            Q::ExpectedQuote(at, q) => AttributeSyntax::ExpectedQuote(at, q),
                            Q::Duplicated(..) => unreachable!("checks are off"),
                        })
                })
                .collect();
            // quick-xml may go on after an error; we stop at the first.
            let stop = theirs
                .iter()
                .position(Result::is_err)
                .map_or(theirs.len(), |i| i + 1);
            let ours: Vec<_> = Attributes::new(text, 1)
                .map(|r| r.map(|a| (a.key.to_string(), a.value.to_string())))
                .collect();
            assert_eq!(ours, theirs[..stop], "{text:?}");
        }
    }
}
