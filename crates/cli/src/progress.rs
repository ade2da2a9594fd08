//! A progress bar on stderr when it is a terminal; silence otherwise.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rampart_engine::Progress;
use std::io::IsTerminal;

pub struct Bar {
    bar: ProgressBar,
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
        Bar { bar }
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
}
