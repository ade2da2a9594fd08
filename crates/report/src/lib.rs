//! Renderers: a report and a writer in, text out. Renderers never send requests.

mod curl;
mod json;
mod summary;
mod table;

pub use curl::curl;

use rampart_model::Report;
use std::io::{self, Write};
use std::str::FromStr;

/// An output format of `rampart scan`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Summary,
    Table,
    Json,
}

impl Format {
    /// The format a file name implies (`--output r.json`).
    pub fn from_extension(path: &str) -> Option<Format> {
        let ext = path.rsplit_once('.')?.1.to_ascii_lowercase();
        match ext.as_str() {
            "json" => Some(Format::Json),
            "txt" => Some(Format::Summary),
            _ => None,
        }
    }
}

impl FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "summary" => Ok(Format::Summary),
            "table" => Ok(Format::Table),
            "json" => Ok(Format::Json),
            "sarif" | "junit" | "html" => Err(format!(
                "format '{s}' is not available in this build (summary, table, json)"
            )),
            _ => Err(format!("unknown format '{s}' (summary, table, json)")),
        }
    }
}

pub fn render(report: &Report, format: Format, out: &mut dyn Write) -> io::Result<()> {
    match format {
        Format::Summary => summary::render(report, out),
        Format::Table => table::render(report, out),
        Format::Json => json::render(report, out),
    }
}
