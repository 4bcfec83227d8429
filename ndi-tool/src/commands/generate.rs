//! `generate`: write a realistic generated corpus.

use anyhow::{Context, Result};

use crate::cli::GenerateArgs;
use crate::commands::Outcome;

pub fn run(args: &GenerateArgs) -> Result<Outcome> {
    let config = ndi_corpora::Config {
        count: args.count,
        seed: args.seed,
        ..ndi_corpora::Config::default()
    };
    let summary = ndi_corpora::generate(&args.out, &config)
        .with_context(|| format!("generating into {}", args.out.display()))?;
    crate::output::error_line(&format!(
        "{} files written to {} ({} bytes on disk)",
        summary.files,
        args.out.display(),
        summary.bytes_on_disk
    ));
    Ok(Outcome::Success)
}
