//! `inspect`: a one-screen summary of a file. (Being written.)

use anyhow::Result;

use crate::cli::InspectArgs;
use crate::commands::Outcome;

pub fn run(_args: &InspectArgs) -> Result<Outcome> {
    anyhow::bail!("inspect is not implemented yet")
}
