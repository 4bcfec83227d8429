//! `ndi-tool`: validate, convert and compare FlexNet-style inventory files.
//!
//! `main` only parses flags, runs the command and maps the outcome to an exit code:
//! 0 success, 1 when some input is invalid (unreadable inputs included: they are accounted
//! for like any bad file) or differs, 2 on a usage error or when output cannot be written.

mod allocator;
mod cli;
mod commands;
mod inputs;
mod output;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    allocator::tune();
    let args = cli::Cli::parse();
    match commands::run(args) {
        Ok(code) => code.into(),
        Err(err) => {
            if output::is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            output::error_line(&format!("ndi-tool: {}", output::chain(&err)));
            ExitCode::from(2)
        }
    }
}
