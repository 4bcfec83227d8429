//! Text from input files made safe to show: control characters escaped as `\u{..}`.

use std::borrow::Cow;

/// `text` with its control characters escaped as `\u{..}`, except tabs and, when
/// `keep_line_feeds`, line feeds (for multi-line text such as a quarantine reason). Values
/// and file names from input then never drive a terminal (an ESC sequence in an installer name
/// could rewrite the screen) and, without kept line feeds, never start a line of their own.
pub fn escape_controls(text: &str, keep_line_feeds: bool) -> Cow<'_, str> {
    let escaped = |c: char| c.is_control() && c != '\t' && !(keep_line_feeds && c == '\n');
    if !text.chars().any(escaped) {
        return text.into();
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if escaped(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out.into()
}
