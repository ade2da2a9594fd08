//! The scoring formula published in DESIGN.md ("Scoring"), and the grade.
//!
//! Each applicable category starts at 100 and loses, per distinct rule that
//! fired, that rule's severity penalty; each repeat of a rule adds a quarter of
//! its penalty, and the repeats together add at most twice it. The overall score
//! is the weighted mean of the applicable categories, capped at 49 by a proven
//! critical and at 79 by a proven high.

use crate::{Category, Finding, Severity};
use std::collections::{BTreeMap, BTreeSet};

/// Scores of each applicable category and the overall score.
#[derive(Debug, Clone, PartialEq)]
pub struct Score {
    pub categories: BTreeMap<Category, u8>,
    pub overall: u8,
}

/// Score `findings` over the `applicable` categories (those where a check ran).
pub fn score(findings: &[Finding], applicable: &BTreeSet<Category>) -> Score {
    let categories: BTreeMap<Category, u8> = applicable.iter().map(|&c| (c, category_score(c, findings))).collect();
    let overall = cap(weighted_mean(&categories), findings);
    Score { categories, overall }
}

/// 100 minus the penalties of the rules that fired in `category`, floored at 0.
pub fn category_score(category: Category, findings: &[Finding]) -> u8 {
    let mut per_rule: BTreeMap<&str, (Severity, usize)> = BTreeMap::new();
    for f in findings.iter().filter(|f| f.category == category) {
        let entry = per_rule.entry(f.rule_id.as_str()).or_insert((f.severity, 0));
        entry.0 = entry.0.max(f.severity);
        entry.1 += 1;
    }
    let lost: f64 = per_rule.values().map(|&(sev, n)| rule_penalty(sev, n)).sum();
    (100.0 - lost).clamp(0.0, 100.0).round() as u8
}

/// Penalty of one rule that fired `count` times.
pub fn rule_penalty(severity: Severity, count: usize) -> f64 {
    let base = severity.penalty();
    let repeats = count.saturating_sub(1) as f64;
    base + (repeats * base / 4.0).min(2.0 * base)
}

fn weighted_mean(categories: &BTreeMap<Category, u8>) -> f64 {
    let weight: f64 = categories.keys().map(|c| c.weight()).sum();
    if weight == 0.0 {
        return 100.0;
    }
    categories.iter().map(|(c, &s)| c.weight() * f64::from(s)).sum::<f64>() / weight
}

fn cap(mean: f64, findings: &[Finding]) -> u8 {
    let proven = |sev| findings.iter().any(|f| f.severity == sev && f.is_proven());
    let ceiling: f64 = if proven(Severity::Critical) {
        49.0
    } else if proven(Severity::High) {
        79.0
    } else {
        100.0
    };
    mean.min(ceiling).round().clamp(0.0, 100.0) as u8
}

/// The letter grade: A ≥ 90, B ≥ 80, C ≥ 70, D ≥ 60, F below.
pub fn grade(overall: u8) -> &'static str {
    match overall {
        90..=u8::MAX => "A",
        80..=89 => "B",
        70..=79 => "C",
        60..=69 => "D",
        _ => "F",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Confidence, Endpoint, Rule};

    fn rule(id: &'static str, category: Category, severity: Severity) -> Rule {
        Rule {
            id,
            title: "t",
            category,
            severity,
            cwe: &[],
            owasp: "API2:2023",
            summary: "",
            remediation: "",
            references: &[],
            needs: &[],
            variants: &[],
            examples: &[],
        }
    }

    fn finding(id: &'static str, category: Category, severity: Severity, confidence: Confidence) -> Finding {
        let endpoint = Endpoint {
            method: "GET".into(),
            url: "http://x/".into(),
        };
        Finding::new(&rule(id, category, severity), confidence, endpoint, "")
    }

    #[test]
    fn penalties_per_severity() {
        for (sev, expect) in [
            (Severity::Critical, 40),
            (Severity::High, 65),
            (Severity::Medium, 85),
            (Severity::Low, 95),
            (Severity::Info, 100),
        ] {
            let f = [finding("X-1", Category::Authentication, sev, Confidence::Tentative)];
            assert_eq!(category_score(Category::Authentication, &f), expect, "{sev}");
        }
    }

    #[test]
    fn repeats_add_a_quarter_capped_at_twice() {
        assert_eq!(rule_penalty(Severity::Medium, 1), 15.0);
        assert_eq!(rule_penalty(Severity::Medium, 2), 18.75);
        assert_eq!(rule_penalty(Severity::Medium, 9), 45.0);
        assert_eq!(rule_penalty(Severity::Medium, 50), 45.0);
    }

    #[test]
    fn category_floors_at_zero() {
        let f: Vec<_> = ["A-1", "A-2"]
            .into_iter()
            .map(|id| finding(id, Category::Authentication, Severity::Critical, Confidence::Tentative))
            .collect();
        assert_eq!(category_score(Category::Authentication, &f), 0);
    }

    #[test]
    fn overall_is_weighted_mean_of_applicable() {
        let applicable = BTreeSet::from([Category::Authentication, Category::Bola]);
        let f = [finding("X-1", Category::Bola, Severity::Medium, Confidence::Tentative)];
        // (20 * 100 + 15 * 85) / 35 = 93.57
        assert_eq!(score(&f, &applicable).overall, 94);
        assert_eq!(score(&[], &BTreeSet::new()).overall, 100);
    }

    #[test]
    fn proven_high_and_critical_cap_the_overall() {
        let applicable: BTreeSet<Category> = Category::ALL.into_iter().collect();
        let high = [finding("X-1", Category::Llm, Severity::High, Confidence::Firm)];
        assert_eq!(score(&high, &applicable).overall, 79);
        let tentative = [finding("X-1", Category::Llm, Severity::High, Confidence::Tentative)];
        // (97 * 100 + 3 * 65) / 100 = 98.95
        assert_eq!(score(&tentative, &applicable).overall, 99);
        let critical = [finding("X-1", Category::Llm, Severity::Critical, Confidence::Confirmed)];
        assert_eq!(score(&critical, &applicable).overall, 49);
    }

    #[test]
    fn grade_boundaries() {
        let cases = [
            (100, "A"),
            (90, "A"),
            (89, "B"),
            (80, "B"),
            (79, "C"),
            (70, "C"),
            (69, "D"),
            (60, "D"),
            (59, "F"),
            (0, "F"),
        ];
        for (score, expect) in cases {
            assert_eq!(grade(score), expect, "{score}");
        }
    }
}
