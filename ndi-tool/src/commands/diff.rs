//! `diff`: semantic differences between two documents or folders. (Being written.)

use anyhow::Result;

use crate::cli::DiffArgs;
use crate::commands::Outcome;

pub fn run(_args: &DiffArgs) -> Result<Outcome> {
    anyhow::bail!("diff is not implemented yet")
}
