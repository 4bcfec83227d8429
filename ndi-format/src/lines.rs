//! Line and column counting, as XML counts them (section 2.11: a line ends at a line feed, a
//! carriage return, or both together). A leaf: it knows positions, nothing of input or XML
//! syntax, so every layer that reports positions counts them the same way.

use crate::error::Position;

/// A position plus the ability to move it forward over text. Lines end as XML says (section
/// 2.11): at a line feed, a carriage return, or both together (counted once).
#[derive(Debug, Clone, Copy)]
pub(crate) struct LineTracker {
    pub(crate) pos: Position,
    /// Whether the text so far ended with a carriage return (a line feed right after it
    /// belongs to the same line end).
    after_cr: bool,
}

impl Default for LineTracker {
    fn default() -> Self {
        LineTracker {
            pos: Position {
                offset: 0,
                line: 1,
                column: 1,
            },
            after_cr: false,
        }
    }
}

/// The position of the end of `before` (text from the start of a document).
pub(crate) fn position_after(before: &[u8]) -> Position {
    let mut t = LineTracker::default();
    t.advance(before);
    t.pos
}

fn chars(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|&&b| (b & 0xC0) != 0x80).count() as u64
}

impl LineTracker {
    /// Moves over `bytes`, which start at the current offset.
    pub(crate) fn advance(&mut self, bytes: &[u8]) {
        let Some(&last_byte) = bytes.last() else {
            return;
        };
        self.pos.offset += bytes.len() as u64;
        let mut line_start = None;
        let mut lines = 0;
        for i in memchr::memchr2_iter(b'\n', b'\r', bytes) {
            let after_cr = match i {
                0 => self.after_cr,
                _ => bytes[i - 1] == b'\r',
            };
            // A line feed right after a carriage return ends the same line.
            if bytes[i] == b'\r' || !after_cr {
                lines += 1;
            }
            line_start = Some(i + 1);
        }
        self.after_cr = last_byte == b'\r';
        match line_start {
            Some(start) => {
                self.pos.line += lines;
                self.pos.column = 1 + chars(&bytes[start..]);
            }
            None => self.pos.column += chars(bytes),
        }
    }

    /// The position of `offset` in `text` (which starts at offset 0), moving forward from the
    /// current position when possible.
    pub(crate) fn seek_in(&mut self, text: &[u8], offset: u64) -> Position {
        let offset = offset.min(text.len() as u64);
        if offset < self.pos.offset {
            *self = LineTracker::default();
        }
        let from = self.pos.offset as usize;
        self.advance(&text[from..offset as usize]);
        self.pos
    }
}

/// Where the lines of a whole text start, for positions in any order (a [`LineTracker`] only
/// moves forward): built in one pass, then each position is a binary search plus a count of
/// the characters before it on its line. Gives the positions [`position_after`] gives.
#[derive(Debug, Clone, Default)]
pub(crate) struct LineIndex {
    /// The offset after each line end (after the line feed of a CR LF pair, the offset after
    /// its carriage return: the line feed belongs to the line end already counted).
    starts: Vec<usize>,
}

impl LineIndex {
    /// The line starts of `text`.
    pub(crate) fn new(text: &[u8]) -> Self {
        let starts = memchr::memchr2_iter(b'\n', b'\r', text)
            .filter(|&i| text[i] == b'\r' || i == 0 || text[i - 1] != b'\r')
            .map(|i| i + 1)
            .collect();
        LineIndex { starts }
    }

    /// Line and column of `offset` in `text` (the text the index was built from); an offset
    /// past the end is placed at the end, but keeps its value.
    pub(crate) fn position(&self, text: &[u8], offset: u64) -> Position {
        let end = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .min(text.len());
        let lines_before = self.starts.partition_point(|&s| s <= end);
        let mut line_start = match lines_before {
            0 => 0,
            n => self.starts[n - 1],
        };
        // The line feed of a CR LF pair ends no line of its own, but the column counts from
        // after it.
        if line_start > 0
            && line_start < end
            && text[line_start] == b'\n'
            && text[line_start - 1] == b'\r'
        {
            line_start += 1;
        }
        Position {
            offset,
            line: 1 + lines_before as u64,
            column: 1 + chars(&text[line_start..end]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_end_at_lf_cr_and_crlf_alike_even_across_chunks() {
        for text in [&b"a\nb\nc"[..], b"a\rb\rc", b"a\r\nb\r\nc"] {
            let p = position_after(text);
            assert_eq!((p.line, p.column), (3, 2), "{text:?}");
            // The same text in two pieces, split everywhere.
            for cut in 0..=text.len() {
                let mut t = LineTracker::default();
                t.advance(&text[..cut]);
                t.advance(&text[cut..]);
                assert_eq!((t.pos.line, t.pos.column), (3, 2), "{text:?} cut at {cut}");
            }
        }
        let p = position_after(b"a\r\r\nb");
        assert_eq!((p.line, p.column), (3, 2));
    }

    #[test]
    fn columns_count_characters() {
        let text = "ab\nçd\n\nxyz".as_bytes();
        let mut t = LineTracker::default();
        let p = t.seek_in(text, 6);
        assert_eq!((p.line, p.column), (2, 3));
        let p = t.seek_in(text, text.len() as u64);
        assert_eq!((p.line, p.column), (4, 4));
        let p = t.seek_in(text, 1);
        assert_eq!((p.line, p.column), (1, 2));
    }

    #[test]
    fn the_line_index_agrees_with_counting_from_the_start() {
        let texts: [&[u8]; 6] = [
            b"",
            b"a\nb\rc\r\nd",
            b"\r\n\r\r\n\n\nx",
            "\u{e7}a\r\n\u{20ac}\rb\n".as_bytes(),
            b"\n",
            b"<a>\r\n  <b c=\"1\"/>\r</a>",
        ];
        for text in texts {
            let index = LineIndex::new(text);
            for offset in 0..=text.len() + 2 {
                let mut expected = position_after(&text[..offset.min(text.len())]);
                expected.offset = offset as u64;
                assert_eq!(
                    index.position(text, offset as u64),
                    expected,
                    "{text:?} at {offset}"
                );
            }
        }
    }
}
