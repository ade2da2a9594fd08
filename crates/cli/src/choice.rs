//! Options whose value comes from a fixed list: the list shows in `--help`,
//! in shell completions and in the error for a wrong value, and the parsed
//! value arrives typed.

use clap::ValueEnum;
use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use rampart_engine::LlmTier;
use rampart_model::Severity;
use rampart_report::Format;
use std::str::FromStr;

/// A parser accepting exactly `values` (any case), handed to `T`'s `FromStr`.
fn listed<T>(values: impl IntoIterator<Item = PossibleValue>) -> impl TypedValueParser<Value = T>
where
    T: FromStr<Err = String> + Clone + Send + Sync + 'static,
{
    PossibleValuesParser::new(values).try_map(|s| s.parse::<T>())
}

/// `--fail-on`, `--fail-on-new`: info, low, medium, high, critical.
pub fn severity() -> impl TypedValueParser<Value = Severity> {
    listed(
        Severity::DESCENDING
            .iter()
            .rev()
            .map(|s| PossibleValue::new(s.as_str())),
    )
}

/// `--format` of a report: summary, table, json, sarif, junit, html, markdown (or md).
pub fn format() -> impl TypedValueParser<Value = Format> {
    listed(Format::ALL.iter().map(|f| match f {
        Format::Markdown => PossibleValue::new(f.name()).alias("md"),
        _ => PossibleValue::new(f.name()),
    }))
}

/// `review --format`: summary, json, sarif, markdown (or md).
pub fn review_format() -> impl TypedValueParser<Value = Format> {
    listed(rampart_report::REVIEW_FORMATS.iter().map(|f| match f {
        Format::Markdown => PossibleValue::new(f.name()).alias("md"),
        _ => PossibleValue::new(f.name()),
    }))
}

/// `review --framework`: the frameworks whose fixes rampart knows.
pub fn framework() -> PossibleValuesParser {
    PossibleValuesParser::new([
        "flask",
        "django",
        "fastapi",
        "starlette",
        "express",
        "go",
        "gin",
        "echo",
        "chi",
        "servlet",
        "spring",
        "php",
        "laravel",
        "symfony",
        "rust",
        "axum",
    ])
}

/// `--llm-tier`: quick, standard, deep.
pub fn llm_tier() -> impl TypedValueParser<Value = LlmTier> {
    listed(["quick", "standard", "deep"].map(PossibleValue::new))
}

/// `--color`.
#[derive(ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ColorWhen {
    /// On a terminal, unless NO_COLOR is set.
    #[default]
    Auto,
    Always,
    Never,
}

/// `--format` of `checks` and `list`.
#[derive(ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ListFormat {
    #[default]
    Table,
    Json,
}

/// `--format` of `diff`.
#[derive(ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum DiffFormat {
    #[default]
    Text,
    Json,
}
