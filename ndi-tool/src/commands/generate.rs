//! `generate`: write a realistic generated corpus.

use anyhow::{Context, Result};

use crate::cli::GenerateArgs;
use crate::commands::Outcome;

pub fn run(args: &GenerateArgs) -> Result<Outcome> {
    if args.estate {
        return estate(args);
    }
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

/// `generate --estate`: an estate with known truth.
fn estate(args: &GenerateArgs) -> Result<Outcome> {
    let config = ndi_corpora::EstateConfig::new(args.devices, args.days, args.seed);
    let summary = ndi_corpora::generate_estate(&args.out, &config)
        .with_context(|| format!("generating an estate into {}", args.out.display()))?;
    crate::output::error_line(&format!(
        "{} devices, {} inventories and {} usage files written to {} ({} bytes on disk), truth in truth.csv",
        summary.devices,
        summary.inventories,
        summary.usage_files,
        args.out.display(),
        summary.bytes_on_disk
    ));
    Ok(Outcome::Success)
}
