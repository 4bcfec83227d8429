//! `policy`: the effective packages of a policy.

use std::io::Write;

use anyhow::{Context, Result, anyhow};
use npl_format::Policy;
use serde_json::json;

use crate::cli::PolicyArgs;
use crate::commands::Outcome;
use crate::output::line;

pub fn run(args: &PolicyArgs) -> Result<Outcome> {
    let bytes = std::fs::read(&args.file).with_context(|| args.file.display().to_string())?;
    let policy = Policy::from_slice(&bytes).map_err(|e| anyhow!("{}", e.with_file(&args.file)))?;
    let packages = policy.effective_packages();
    let mut out = std::io::stdout().lock();
    if args.json {
        let items: Vec<serde_json::Value> = packages
            .iter()
            .map(|p| {
                json!({
                    "policy_guid": p.policy_guid,
                    "href": p.href,
                    "object_id": p.object_id,
                    "precedence": p.precedence,
                    "candidates": p.candidates,
                })
            })
            .collect();
        line(&mut out, &serde_json::Value::Array(items).to_string())?;
    } else {
        line(
            &mut out,
            &format!(
                "{}: {} effective packages",
                args.file.display(),
                packages.len()
            ),
        )?;
        for p in &packages {
            line(
                &mut out,
                &format!(
                    "  {:<40} precedence {:>4}  {}{}",
                    p.object_id.as_deref().unwrap_or("-"),
                    p.precedence
                        .map_or_else(|| "-".to_string(), |v| v.to_string()),
                    p.href,
                    if p.candidates > 1 {
                        format!("  (chosen among {})", p.candidates)
                    } else {
                        String::new()
                    }
                ),
            )?;
        }
    }
    out.flush()?;
    Ok(Outcome::Success)
}
