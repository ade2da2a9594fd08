//! `--jsonl [FILE]`: each finding as one JSON line the moment its check
//! proves it (redacted; `suppressed` with the reason when the ignore file
//! matches it), then one `done` line with the score once the report is
//! complete. Written to FILE, or stdout without one (`-`).

use crate::ignore::Entry;
use anyhow::{Context, Result};
use rampart_model::{Finding, Report};
use serde_json::{Value, json};
use std::io::Write;
use std::path::Path;
use std::sync::Mutex;

pub struct Lines {
    out: Mutex<Box<dyn Write + Send>>,
    stdout: bool,
    target: String,
    ignores: Vec<Entry>,
}

impl Lines {
    /// The stream `path` names (`-`: stdout), created now so a bad path fails before the scan.
    pub fn open(path: &Path, target: &str, ignores: Vec<Entry>) -> Result<Lines> {
        let stdout = path == Path::new("-");
        let out: Box<dyn Write + Send> = if stdout {
            Box::new(std::io::stdout())
        } else {
            let file =
                std::fs::File::create(path).with_context(|| format!("--jsonl: cannot create {}", path.display()))?;
            Box::new(std::io::BufWriter::new(file))
        };
        Ok(Lines {
            out: Mutex::new(out),
            stdout,
            target: target.to_string(),
            ignores,
        })
    }

    /// Whether the stream takes stdout (the report then goes only to --output files).
    pub fn on_stdout(&self) -> bool {
        self.stdout
    }

    /// One proven finding.
    pub fn finding(&self, finding: &Finding) {
        let Ok(Value::Object(fields)) = serde_json::to_value(finding) else {
            return;
        };
        let mut line = serde_json::Map::new();
        line.insert("event".into(), "finding".into());
        line.insert("target".into(), self.target.clone().into());
        // Ids are given once every finding is in, sorted by severity.
        line.extend(fields.into_iter().filter(|(k, v)| !(k == "id" && v == "")));
        let today = time::OffsetDateTime::now_utc().date();
        if let Some(reason) = crate::ignore::reason(&self.ignores, finding, today) {
            line.insert("suppressed".into(), json!({ "reason": reason }));
        }
        self.write(&Value::Object(line));
    }

    /// The last line: the score and grade of the complete report.
    pub fn done(&self, report: &Report) {
        self.write(&json!({
            "event": "done",
            "target": self.target,
            "overall": report.overall,
            "letterGrade": report.letter_grade,
            "gradeProvisional": report.coverage.grade_provisional,
            "findings": report.findings.len(),
            "suppressed": report.suppressed.len(),
            "interrupted": report.stats.events.iter().any(|e| e.starts_with("interrupted")),
        }));
    }

    /// A line, flushed at once; a reader that went away does not stop the scan.
    fn write(&self, value: &Value) {
        let mut out = self.out.lock().unwrap_or_else(|e| e.into_inner());
        let _ = writeln!(out, "{value}").and_then(|()| out.flush());
    }
}
