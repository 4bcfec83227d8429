//! One module per subcommand; each resolves its flags, does the work and returns an exit code.

mod convert;
mod diff;
mod generate;
mod import;
mod inspect;
mod policy;
mod reconcile;
mod rewrite;
mod schedule;
pub mod serve;
mod table;
pub mod upload;
mod validate;

use anyhow::Result;

use crate::cli::{Cli, Command};

/// The outcome of a command that ran to its end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Everything was fine.
    Success,
    /// Some input was invalid (or, for `diff`, differed).
    Failure,
}

impl From<Outcome> for std::process::ExitCode {
    fn from(o: Outcome) -> Self {
        match o {
            Outcome::Success => std::process::ExitCode::SUCCESS,
            Outcome::Failure => std::process::ExitCode::from(1),
        }
    }
}

/// Runs the chosen command.
pub fn run(cli: Cli) -> Result<Outcome> {
    match cli.command {
        Command::Validate(args) => validate::run(&args),
        Command::Convert(args) => convert::run(&args),
        Command::Generate(args) => generate::run(&args),
        Command::Diff(args) => diff::run(&args),
        Command::Import(args) => import::run(&args),
        Command::Table(command) => table::run(&command),
        Command::Inspect(args) => inspect::run(&args),
        Command::Schedule(args) => schedule::run(&args),
        Command::Policy(args) => policy::run(&args),
        Command::Reconcile(args) => reconcile::run(&args),
        Command::Serve(args) => serve::run(&args),
        Command::Upload(args) => upload::run(&args),
        Command::Completions(args) => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            let mut script = Vec::new();
            clap_complete::generate(args.shell, &mut cmd, "ndi-tool", &mut script);
            if args.shell == clap_complete::Shell::Bash {
                script = fix_bash_states(&script);
            }
            std::io::Write::write_all(&mut std::io::stdout().lock(), &script)?;
            Ok(Outcome::Success)
        }
    }
}

/// clap_complete (4.6.11) spells the states of a hyphenated command's bash script in two
/// ways: the loop that walks the words arrives at `ndi__tool__subcmd__convert`, the case arms
/// say `ndi__subcmd__tool__subcmd__convert`, so nothing after a subcommand ever completed
/// (clap issue 6421). The arms are respelt the loop's way.
fn fix_bash_states(script: &[u8]) -> Vec<u8> {
    String::from_utf8_lossy(script)
        .replace("ndi__subcmd__tool", "ndi__tool")
        .into_bytes()
}

/// A rayon pool with `threads` workers (default: one per core).
pub fn pool(threads: Option<usize>) -> Result<rayon::ThreadPool> {
    let mut b = rayon::ThreadPoolBuilder::new();
    if let Some(n) = threads {
        b = b.num_threads(n.max(1));
    }
    Ok(b.build()?)
}
