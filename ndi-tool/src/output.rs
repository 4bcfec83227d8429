//! Writing to the terminal: lines to stdout, diagnostics to stderr, a closed pipe is fine.

use std::io::Write;

/// Whether `err` is (caused by) a closed pipe, which is not a failure for a CLI.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Writes one line to stdout (control characters from input escaped, see
/// [`escape_controls`]).
pub fn line(out: &mut impl Write, text: &str) -> std::io::Result<()> {
    out.write_all(escape_controls(text).as_bytes())?;
    out.write_all(b"\n")
}

/// Writes one JSON value as one line to stdout. serde_json escapes the C0 controls; the
/// other characters a terminal acts on (DEL and the C1 controls, allowed raw in JSON) are
/// written as JSON escapes (`\u009b`), so the line stays valid JSON and inert on a terminal.
pub fn json_line(out: &mut impl Write, value: &serde_json::Value) -> std::io::Result<()> {
    let text = value.to_string();
    let mut safe = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() {
            safe.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            safe.push(c);
        }
    }
    out.write_all(safe.as_bytes())?;
    out.write_all(b"\n")
}

/// Writes one line to stderr, ignoring failures (there is nowhere else to report them).
pub fn error_line(text: &str) {
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(escape_controls(text).as_bytes());
    let _ = err.write_all(b"\n");
}

/// `text` as one line: control characters other than tab (line feeds included, so that a file
/// name cannot forge a line of its own) escaped as `\u{..}`.
pub fn escape_controls(text: &str) -> std::borrow::Cow<'_, str> {
    ndi_load::escape::escape_controls(text, false)
}

/// `err` and its causes as one line, like `{err:#}`, but without a cause whose text the line
/// already holds (many errors print their source in their own message).
pub fn chain(err: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in err.chain() {
        let part = cause.to_string();
        if text.contains(&part) {
            continue;
        }
        if !text.is_empty() {
            text.push_str(": ");
        }
        text.push_str(&part);
    }
    text
}

/// `1 file`, `2 files`: a count with its noun in the right number.
pub fn count(n: impl Into<u64>, one: &str, many: &str) -> String {
    let n = n.into();
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped_in_lines() {
        assert_eq!(escape_controls("x\u{1b}[2Jy\u{85}"), "x\\u{1b}[2Jy\\u{85}");
        assert_eq!(escape_controls("tab\tand\nline"), "tab\tand\\u{a}line");
        let mut out = Vec::new();
        line(&mut out, "a\u{7}b").unwrap();
        assert_eq!(out, b"a\\u{7}b\n");
    }

    #[test]
    fn json_lines_stay_json_and_inert() {
        let value = serde_json::json!({"name": "a\u{9b}2J\u{7f}\u{1b}b"});
        let mut out = Vec::new();
        json_line(&mut out, &value).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(!text.trim_end().chars().any(char::is_control), "{text:?}");
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, value);
    }

    #[test]
    fn causes_already_in_the_message_are_not_repeated() {
        let io = std::io::Error::other("No space left on device");
        let inner = anyhow::Error::new(io).context("I/O error: No space left on device [io]");
        let outer = inner.context("writing out/a.ndi");
        assert_eq!(
            chain(&outer),
            "writing out/a.ndi: I/O error: No space left on device [io]"
        );
    }
}
