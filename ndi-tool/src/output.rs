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
