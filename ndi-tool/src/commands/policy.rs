//! `policy`: the effective packages of a policy.
//!
//! The policy is read once and checked with the rules `validate` runs
//! ([`npl_format::validate_policy`]). Any error (reader errors, `npl-required`, `npl-href`,
//! `npl-objectid-duplicate`, `npl-precedence`) withholds the answer: without a usable
//! `ObjectID`, `href` or `Precedence` the effective packages would be wrong. The findings are
//! printed as errors and the exit status is 1. Warnings (`npl-guid`, `npl-precedence-missing`,
//! which ranks lowest as documented, and reader warnings) are printed above the answer.

use std::io::Write;

use anyhow::Result;
use ndi_format::tree::read_once;
use ndi_format::{Finding, Severity};
use serde_json::json;

use crate::cli::PolicyArgs;
use crate::commands::Outcome;
use crate::commands::schedule::gated_model;
use crate::inputs::read_input;
use crate::output::{json_line, line};

/// Whether a finding of the policy rules makes the effective packages wrong: every error.
fn affects_packages(f: &Finding) -> bool {
    f.severity == Severity::Error
}

pub fn run(args: &PolicyArgs) -> Result<Outcome> {
    let bytes = read_input(&args.file)?;
    // Read once: the findings and the policy come from the same reading.
    let checked = npl_format::check_policy(read_once(&bytes));
    let Some(policy) = gated_model(&args.file, checked, affects_packages, "effective packages")?
    else {
        return Ok(Outcome::Failure);
    };
    let packages = policy.effective_packages();
    let mut out = std::io::stdout().lock();
    if args.json {
        let items: Vec<serde_json::Value> = packages
            .iter()
            .map(|p| {
                json!({
                    "policy_guid": p.policy_guid,
                    "href": p.href,
                    "href_decoded": percent_decoded(&p.href),
                    "object_id": p.object_id,
                    "precedence": p.precedence,
                    "candidates": p.candidates,
                })
            })
            .collect();
        json_line(&mut out, &serde_json::Value::Array(items))?;
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
                    percent_decoded(&p.href),
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

/// `href` with its `%XX` escapes decoded (`Default%20Machine%20Schedule.osd` is shown as
/// `Default Machine Schedule.osd`); unchanged when that would not be UTF-8.
fn percent_decoded(href: &str) -> String {
    let bytes = href.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| char::from(b).to_digit(16);
        match (
            bytes[i],
            bytes.get(i + 1).copied().and_then(hex),
            bytes.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| href.to_string())
}
