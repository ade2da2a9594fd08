//! A progress bar on stderr when it is a terminal; silence otherwise. It
//! also hands each finding to the `--jsonl` stream as it is proven.

use crate::stream::Lines;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rampart_engine::Progress;
use rampart_model::Finding;
use std::io::IsTerminal;

pub struct Bar {
    bar: ProgressBar,
    lines: Option<Lines>,
}

impl Bar {
    pub fn new() -> Bar {
        let target = if std::io::stderr().is_terminal() && !crate::say::quiet() {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        };
        let bar = ProgressBar::with_draw_target(Some(0), target);
        let style = ProgressStyle::with_template("{spinner} {msg:<32} [{bar:30}] {pos}/{len} checks  {elapsed}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> ");
        bar.set_style(style);
        Bar { bar, lines: None }
    }

    /// This bar, also streaming findings to `lines`.
    pub fn streaming(mut self, lines: Option<Lines>) -> Bar {
        self.lines = lines;
        self
    }

    /// The stream's last line, once the report is complete.
    pub fn done(&self, report: &rampart_model::Report) {
        if let Some(lines) = &self.lines {
            lines.done(report);
        }
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl Progress for Bar {
    fn stage(&self, message: &str) {
        self.bar.set_message(message.to_string());
        self.bar.tick();
    }

    fn checks(&self, total: usize) {
        self.bar.set_length(total as u64);
        self.bar.set_message("running checks");
    }

    fn check_done(&self, rule_id: &str) {
        self.bar.set_message(format!("{rule_id} done"));
        self.bar.inc(1);
    }

    fn finding(&self, finding: &Finding) {
        if let Some(lines) = &self.lines {
            self.bar.suspend(|| lines.finding(finding));
        }
    }
}
