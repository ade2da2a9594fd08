//! The diff for people (text) and for programs (JSON).

use super::{CategoryDrift, Diff, Entry};
use serde_json::{Value, json};
use std::io::{self, Write};

pub fn render_text(diff: &Diff, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "rampart diff")?;
    writeln!(out, "  old: {} ({})", diff.old.target, diff.old.completed_at)?;
    writeln!(out, "  new: {} ({})", diff.new.target, diff.new.completed_at)?;
    writeln!(out)?;
    writeln!(
        out,
        "  Score {} ({}) → {} ({})  {}",
        diff.old.overall,
        diff.old.letter_grade,
        diff.new.overall,
        diff.new.letter_grade,
        signed(i16::from(diff.new.overall) - i16::from(diff.old.overall))
    )?;
    let changed: Vec<&CategoryDrift> = diff.categories.iter().filter(|c| c.old != c.new).collect();
    for c in &changed {
        let delta = delta(c).map(signed).unwrap_or_default();
        writeln!(
            out,
            "  {:<38} {:>3} → {:<3}  {delta}",
            c.category.name(),
            score(c.old),
            score(c.new)
        )?;
    }
    if changed.is_empty() {
        writeln!(out, "  No category score changed.")?;
    }
    section(out, "NEW", &diff.added)?;
    section(out, "FIXED", &diff.fixed)?;
    section(out, "UNCHANGED", &diff.unchanged)?;
    writeln!(out)?;
    writeln!(
        out,
        "{} new, {} fixed, {} unchanged",
        diff.added.len(),
        diff.fixed.len(),
        diff.unchanged.len()
    )
}

fn section(out: &mut dyn Write, title: &str, entries: &[Entry]) -> io::Result<()> {
    writeln!(out)?;
    writeln!(out, "{title} ({})", entries.len())?;
    for e in entries {
        let f = e.finding;
        let variant = f.qualifier().map(|v| format!(" [{v}]")).unwrap_or_default();
        writeln!(
            out,
            "  {:<9} {:<8} {}{} — {} {}",
            f.rule_id,
            f.severity.as_str(),
            f.title,
            variant,
            f.endpoint.method,
            f.endpoint.url
        )?;
    }
    Ok(())
}

pub fn render_json(diff: &Diff, out: &mut dyn Write) -> io::Result<()> {
    let side = |r: &rampart_model::Report| {
        json!({
            "target": r.target,
            "completedAt": r.completed_at,
            "overall": r.overall,
            "letterGrade": r.letter_grade,
        })
    };
    let value = json!({
        "schema": "rampart.diff/v1",
        "old": side(diff.old),
        "new": side(diff.new),
        "scoreDelta": i16::from(diff.new.overall) - i16::from(diff.old.overall),
        "categories": diff.categories.iter().map(|c| json!({
            "category": c.category.name(), "old": c.old, "new": c.new, "delta": delta(c),
        })).collect::<Vec<_>>(),
        "counts": {"new": diff.added.len(), "fixed": diff.fixed.len(), "unchanged": diff.unchanged.len()},
        "findings": {
            "new": entries(&diff.added),
            "fixed": entries(&diff.fixed),
            "unchanged": entries(&diff.unchanged),
        },
    });
    serde_json::to_writer_pretty(&mut *out, &value).map_err(io::Error::from)?;
    writeln!(out)
}

fn entries(entries: &[Entry]) -> Vec<Value> {
    entries
        .iter()
        .map(|e| {
            let f = e.finding;
            let mut v = json!({
                "fingerprint": e.fingerprint,
                "ruleId": f.rule_id,
                "severity": f.severity,
                "title": f.title,
                "endpoint": f.endpoint,
            });
            if let Some(variant) = &f.variant {
                v["variant"] = json!(variant);
            }
            if let Some(instance) = &f.instance {
                v["instance"] = json!(instance);
            }
            v
        })
        .collect()
}

fn delta(c: &CategoryDrift) -> Option<i16> {
    Some(i16::from(c.new?) - i16::from(c.old?))
}

fn signed(n: i16) -> String {
    if n > 0 { format!("+{n}") } else { n.to_string() }
}

fn score(s: Option<u8>) -> String {
    s.map_or_else(|| "—".to_string(), |s| s.to_string())
}
