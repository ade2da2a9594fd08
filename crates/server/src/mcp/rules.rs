//! `list_rules`: the rule registry, optionally one category of it.

use super::error::ToolError;
use super::reply;
use rampart_engine::input;
use rampart_model::{Category, Rule};
use rmcp::model::CallToolResult;

/// Every rule, or those of `category` (slug, name or `session`).
pub fn list(category: Option<&str>) -> Result<CallToolResult, ToolError> {
    let all = rampart_checks::CHECKS.iter().map(|c| c.rule());
    let rules: Vec<&Rule> = match category.map(str::trim).filter(|c| !c.is_empty()) {
        None => all.collect(),
        Some(wanted) if known(wanted) => all.filter(|r| in_category(wanted, r)).collect(),
        Some(unknown) => return Err(ToolError::NoCategory(unknown.to_string(), slugs())),
    };
    let mut text = format!("{} rules\n", rules.len());
    for rule in &rules {
        text.push_str(&format!("{}\n", line(rule)));
    }
    Ok(reply::ok(text, serde_json::json!({ "rules": rules })))
}

/// `SESS-001 [high; Authentication; API2:2023; CWE-384] title`, then the summary indented.
pub fn line(rule: &Rule) -> String {
    format!(
        "{} [{}; {}; {}; {}] {}\n    {}",
        rule.id,
        rule.severity,
        rule.category.name(),
        rule.owasp,
        cwe_list(rule.cwe),
        rule.title,
        rule.summary
    )
}

/// `CWE-384, CWE-613` (or `no CWE`).
pub fn cwe_list(cwe: &[u32]) -> String {
    if cwe.is_empty() {
        return "no CWE".into();
    }
    cwe.iter().map(|c| format!("CWE-{c}")).collect::<Vec<_>>().join(", ")
}

/// `session`, or a category's slug or name.
fn known(wanted: &str) -> bool {
    wanted.eq_ignore_ascii_case("session")
        || Category::ALL
            .iter()
            .any(|c| wanted.eq_ignore_ascii_case(c.slug()) || wanted.eq_ignore_ascii_case(c.name()))
}

fn in_category(wanted: &str, rule: &Rule) -> bool {
    input::selects(wanted, rule) || wanted.eq_ignore_ascii_case(rule.category.name())
}

fn slugs() -> String {
    let mut names: Vec<&str> = vec!["session"];
    names.extend(Category::ALL.iter().map(|c| c.slug()));
    names.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(category: Option<&str>) -> Vec<String> {
        let result = list(category).unwrap();
        let rules = &result.structured_content.unwrap()["rules"];
        rules
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_str().unwrap().to_string())
            .collect()
    }

    #[test]
    fn filters_by_slug_name_or_session() {
        let all = ids(None);
        assert_eq!(all.len(), rampart_checks::CHECKS.len());
        assert!(ids(Some("session")).iter().all(|id| id.starts_with("SESS-")));
        assert_eq!(ids(Some("auth")), ids(Some("Authentication")));
        assert!(ids(Some("llm")).iter().all(|id| all.contains(id)));
        assert!(matches!(list(Some("SESS-001")), Err(ToolError::NoCategory(..))));
    }

    #[test]
    fn one_line_per_rule_then_its_summary() {
        let rule = rampart_checks::CHECKS[0].rule();
        let line = line(rule);
        assert!(line.starts_with(&format!("{} [", rule.id)));
        assert!(line.contains(&cwe_list(rule.cwe)) && line.ends_with(rule.summary));
        assert_eq!(cwe_list(&[384, 613]), "CWE-384, CWE-613");
        assert_eq!(cwe_list(&[]), "no CWE");
    }
}
