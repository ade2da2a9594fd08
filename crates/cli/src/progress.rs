//! A progress bar on stderr when it is a terminal; silence otherwise: the
//! phase (survey, session suite, categories), its checks done, and the
//! requests and findings so far. It also hands each finding to the
//! `--jsonl` stream as it is proven.

use crate::stream::Lines;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rampart_engine::{Phase, Progress};
use rampart_model::Finding;
use std::io::IsTerminal;
use std::sync::atomic::{AtomicUsize, Ordering};

pub struct Bar {
    bar: ProgressBar,
    lines: Option<Lines>,
    findings: AtomicUsize,
}

impl Bar {
    pub fn new() -> Bar {
        let shown = std::io::stderr().is_terminal() && !crate::say::quiet();
        let target = if shown {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        };
        let bar = ProgressBar::with_draw_target(Some(0), target);
        if shown {
            // The spinner and the clock move during a long check too.
            bar.enable_steady_tick(std::time::Duration::from_millis(150));
        }
        let style = ProgressStyle::with_template("{spinner} {prefix:<13} [{bar:24}] {pos}/{len} {msg}  {elapsed}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> ");
        bar.set_style(style);
        bar.set_prefix("survey");
        Bar {
            bar,
            lines: None,
            findings: AtomicUsize::new(0),
        }
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

    fn counts(&self, requests: u64) -> String {
        let findings = self.findings.load(Ordering::Relaxed);
        format!("checks · {requests} requests · {findings} findings")
    }
}

impl Progress for Bar {
    fn stage(&self, message: &str) {
        self.bar.set_message(message.to_string());
        self.bar.tick();
    }

    fn phase(&self, phase: Phase, checks: usize) {
        self.bar.set_prefix(phase.name());
        self.bar.set_position(0);
        self.bar.set_length(checks as u64);
    }

    fn check_done(&self, _rule_id: &str, requests_sent: u64) {
        self.bar.set_message(self.counts(requests_sent));
        self.bar.inc(1);
    }

    fn finding(&self, finding: &Finding) {
        self.findings.fetch_add(1, Ordering::Relaxed);
        if let Some(lines) = &self.lines {
            self.bar.suspend(|| lines.finding(finding));
        }
    }
}
