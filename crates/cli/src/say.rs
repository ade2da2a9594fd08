//! How much rampart says on stderr besides results and errors: `-q` keeps
//! only those, `-v` adds the scan's events. Set once, from the command line.

use std::sync::atomic::{AtomicU8, Ordering};

static LEVEL: AtomicU8 = AtomicU8::new(NORMAL);
const QUIET: u8 = 0;
const NORMAL: u8 = 1;
const VERBOSE: u8 = 2;

/// Set from `-q`/`-v`.
pub fn set(quiet: bool, verbose: bool) {
    let level = match (quiet, verbose) {
        (true, _) => QUIET,
        (false, true) => VERBOSE,
        (false, false) => NORMAL,
    };
    LEVEL.store(level, Ordering::Relaxed);
}

pub fn quiet() -> bool {
    LEVEL.load(Ordering::Relaxed) == QUIET
}

pub fn verbose() -> bool {
    LEVEL.load(Ordering::Relaxed) == VERBOSE
}

/// `rampart: {message}` on stderr, unless `-q`.
pub fn info(message: &str) {
    if !quiet() {
        eprintln!("rampart: {message}");
    }
}

/// Under `-v`: the report's events, inconclusive rules and check errors, one line each.
pub fn details(report: &rampart_model::Report) {
    if !verbose() {
        return;
    }
    for event in &report.stats.events {
        eprintln!("rampart: event: {event}");
    }
    for (rule, reason) in &report.stats.inconclusive {
        eprintln!("rampart: inconclusive: {rule}: {reason}");
    }
    for error in &report.stats.errors {
        eprintln!("rampart: check error: {}: {}", error.rule_id, error.message);
    }
}
