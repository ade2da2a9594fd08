//! `rampart checks`: every rule from the registry.

use crate::args::ChecksArgs;
use anyhow::{Result, bail};
use rampart_model::Rule;
use std::process::ExitCode;

pub fn run(args: &ChecksArgs) -> Result<ExitCode> {
    let rules: Vec<&Rule> = rampart_checks::CHECKS.iter().map(|c| c.rule()).collect();
    match args.format.as_str() {
        "json" => println!("{}", serde_json::to_string_pretty(&rules)?),
        "table" => {
            println!(
                "{:<9} {:<9} {:<16} {:<10} {:<11} TITLE",
                "ID", "SEVERITY", "CATEGORY", "OWASP", "CWE"
            );
            for r in rules {
                let cwe: Vec<String> = r.cwe.iter().map(|c| c.to_string()).collect();
                println!(
                    "{:<9} {:<9} {:<16} {:<10} {:<11} {}",
                    r.id,
                    r.severity.as_str(),
                    r.category.name(),
                    r.owasp,
                    cwe.join(","),
                    r.title
                );
            }
        }
        other => bail!("unknown format '{other}' for checks (table, json)"),
    }
    Ok(ExitCode::SUCCESS)
}
