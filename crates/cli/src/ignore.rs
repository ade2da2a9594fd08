//! Suppressions: an ignore file (`.rampart-ignore.toml` in the working
//! directory, or `--ignore FILE`) whose entries name a rule, optionally a
//! path glob and a variant, a required reason and an optional expiry date.
//! Matching findings move to `report.suppressed` (shown apart in every
//! format, SARIF `suppressions` with the reason) and leave the score and the
//! gates; an expired entry suppresses nothing and the report says so.
//!
//! ```toml
//! [[ignore]]
//! rule = "SESS-008"
//! path = "/internal/**"          # glob on the finding's URL path: * within a segment, ** across
//! variant = "cookie"             # optional
//! instance = "q"                 # optional: the parameter, cookie or header
//! reason = "served only over the VPN; TLS ends at the gateway"
//! expires = "2027-03-31"         # optional, YYYY-MM-DD
//! ```

use anyhow::{Context, Result, bail};
use rampart_engine::http::guard::glob_matches;
use rampart_model::{Report, Suppressed, Suppression, score};
use serde::Deserialize;
use std::path::Path;

/// The ignore file read without `--ignore`, when it exists.
pub const DEFAULT_FILE: &str = ".rampart-ignore.toml";
/// Largest ignore file read.
const CAP: u64 = 1024 * 1024;
/// Most `*` in one path glob (matching is exponential in them).
const MAX_STARS: usize = 6;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    ignore: Vec<Entry>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    rule: String,
    path: Option<String>,
    variant: Option<String>,
    instance: Option<String>,
    reason: String,
    expires: Option<String>,
    #[serde(skip)]
    source: String,
}

/// The entries of `path`, checked: known rule ids, a reason, valid dates.
pub fn load(path: &Path, known: &[&str]) -> Result<Vec<Entry>> {
    let bytes = rampart_engine::input::read_bounded(path, CAP).map_err(|e| anyhow::anyhow!("--ignore: {e}"))?;
    let text = String::from_utf8(bytes).with_context(|| format!("{} is not UTF-8", path.display()))?;
    let file: File = toml::from_str(&text).map_err(|e| anyhow::anyhow!("{}: {}", path.display(), e.message()))?;
    check(&path.display().to_string(), file.ignore, known)
}

/// `entries` read from `label` (an ignore file, or the project file's
/// `[[ignore]]`), checked: known rule ids, a reason, valid dates.
pub fn check(label: &str, read: Vec<Entry>, known: &[&str]) -> Result<Vec<Entry>> {
    let mut entries = Vec::new();
    for (i, mut entry) in read.into_iter().enumerate() {
        entry.source = format!("{label} #{}", i + 1);
        if !known.iter().any(|id| id.eq_ignore_ascii_case(&entry.rule)) {
            bail!("{}: unknown rule {} (see `rampart checks`)", entry.source, entry.rule);
        }
        if entry.reason.trim().is_empty() {
            bail!("{}: a suppression needs a reason", entry.source);
        }
        if entry
            .path
            .as_deref()
            .is_some_and(|g| g.matches('*').count() > MAX_STARS)
        {
            bail!("{}: path has more than {MAX_STARS} wildcards", entry.source);
        }
        if let Some(date) = &entry.expires {
            parse_date(date).with_context(|| format!("{}: expires {date} is not YYYY-MM-DD", entry.source))?;
        }
        entries.push(entry);
    }
    Ok(entries)
}

fn parse_date(raw: &str) -> Result<time::Date> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Ok(time::Date::parse(raw, &format)?)
}

impl Entry {
    fn expired(&self, today: time::Date) -> bool {
        self.expires
            .as_deref()
            .and_then(|d| parse_date(d).ok())
            .is_some_and(|date| date < today)
    }

    fn matches(&self, f: &rampart_model::Finding) -> bool {
        let path = url::Url::parse(&f.endpoint.url).map_or_else(|_| f.endpoint.url.clone(), |u| u.path().to_string());
        f.rule_id.eq_ignore_ascii_case(&self.rule)
            && self.variant.as_ref().is_none_or(|v| f.variant.as_ref() == Some(v))
            && self.instance.as_ref().is_none_or(|i| f.instance.as_ref() == Some(i))
            && self.path.as_deref().is_none_or(|glob| glob_matches(glob, &path))
    }

    fn suppression(&self) -> Suppression {
        Suppression {
            reason: self.reason.clone(),
            expires: self.expires.clone(),
            source: self.source.clone(),
        }
    }
}

/// The reason `f` is suppressed on `today`, if an entry that has not expired matches it.
pub fn reason(entries: &[Entry], f: &rampart_model::Finding, today: time::Date) -> Option<String> {
    let entry = entries.iter().find(|e| e.matches(f))?;
    (!entry.expired(today)).then(|| entry.reason.clone())
}

/// Move the findings `entries` suppress to `report.suppressed`, score again
/// without them, and note entries that expired before `today`.
pub fn apply(report: &mut Report, entries: &[Entry], today: time::Date) {
    let mut kept = Vec::new();
    for f in std::mem::take(&mut report.findings) {
        match entries.iter().find(|e| e.matches(&f)) {
            Some(e) if !e.expired(today) => report.suppressed.push(Suppressed {
                finding: f,
                suppression: e.suppression(),
            }),
            Some(e) => {
                let note = format!(
                    "the suppression {} of {} expired on {}: its findings count again",
                    e.source,
                    e.rule,
                    e.expires.as_deref().unwrap_or_default()
                );
                if !report.stats.events.contains(&note) {
                    report.stats.events.push(note);
                }
                kept.push(f);
            }
            None => kept.push(f),
        }
    }
    report.findings = kept;
    if report.suppressed.is_empty() {
        return;
    }
    let applicable = report.categories.keys().copied().collect();
    let scored = score::score(&report.findings, &applicable);
    report.categories = scored.categories;
    report.overall = scored.overall;
    report.letter_grade = score::grade(scored.overall).into();
}
