//! Writing to the terminal: lines to stdout, diagnostics to stderr, a closed pipe is fine.

use std::io::Write;

/// Whether `err` is (caused by) a closed pipe, which is not a failure for a CLI.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Writes one line to stdout.
pub fn line(out: &mut impl Write, text: &str) -> std::io::Result<()> {
    out.write_all(text.as_bytes())?;
    out.write_all(b"\n")
}

/// Writes one line to stderr, ignoring failures (there is nowhere else to report them).
pub fn error_line(text: &str) {
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(text.as_bytes());
    let _ = err.write_all(b"\n");
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

#[cfg(test)]
mod tests {
    use super::*;

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
