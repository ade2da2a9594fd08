//! `rampart checks`: every rule from the registry.

use crate::args::ChecksArgs;
use crate::choice::ListFormat;
use anyhow::Result;
use rampart_model::Rule;
use std::io::{ErrorKind, Write};
use std::process::ExitCode;

pub fn run(args: &ChecksArgs) -> Result<ExitCode> {
    let rules: Vec<&Rule> = rampart_checks::CHECKS.iter().map(|c| c.rule()).collect();
    let text = match args.format {
        ListFormat::Json => {
            serde_json::to_string_pretty(&rules.iter().map(|r| with_examples(r)).collect::<Vec<_>>())? + "\n"
        }
        ListFormat::Table => table(&rules),
    };
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        // A reader that stopped early (`rampart checks | head`) is not an error.
        Err(e) if e.kind() != ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(ExitCode::SUCCESS),
    }
}

/// The rule's metadata and its example findings, shaped like a report's findings.
fn with_examples(rule: &Rule) -> serde_json::Value {
    let mut value = serde_json::json!(rule);
    let examples: Vec<_> = rule.examples.iter().map(|e| e.finding(rule)).collect();
    value["examples"] = serde_json::json!(examples);
    value
}

fn table(rules: &[&Rule]) -> String {
    let mut text = format!(
        "{:<9} {:<9} {:<16} {:<10} {:<11} TITLE\n",
        "ID", "SEVERITY", "CATEGORY", "OWASP", "CWE"
    );
    for r in rules {
        let cwe: Vec<String> = r.cwe.iter().map(|c| c.to_string()).collect();
        text.push_str(&format!(
            "{:<9} {:<9} {:<16} {:<10} {:<11} {}\n",
            r.id,
            r.severity.as_str(),
            r.category.name(),
            r.owasp,
            cwe.join(","),
            r.title
        ));
    }
    text
}
