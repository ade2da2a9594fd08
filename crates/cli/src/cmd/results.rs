//! `rampart results ID`: render a saved scan again, in any report format,
//! with the rule metadata of this build's registry.

use crate::args::{OutputArgs, ResultsArgs};
use crate::{history, output};
use anyhow::Result;
use rampart_model::Rule;
use rampart_report::Format;
use std::process::ExitCode;

pub async fn run(args: &ResultsArgs) -> Result<ExitCode> {
    let outputs = OutputArgs {
        format: args.format,
        output: args.output.clone(),
        ..Default::default()
    };
    let plan = output::plan(&outputs, Format::Summary)?;
    output::validate(&outputs)?;
    let record = history::load(args.history.db.as_deref(), &args.id).await?;
    let mut report = record.report;
    report.rules = rules(&record.rule_ids);
    output::write(&report, &plan, output::color(&outputs))?;
    Ok(ExitCode::SUCCESS)
}

/// The registry's metadata for each saved rule id; ids this build does not
/// know (a rule since retired) are left out, and renderers recover the rules
/// of findings from the findings themselves.
fn rules(ids: &[String]) -> Vec<Rule> {
    ids.iter()
        .filter_map(|id| rampart_checks::registry::find(id))
        .map(|check| *check.rule())
        .collect()
}
