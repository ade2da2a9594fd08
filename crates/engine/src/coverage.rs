//! What a scan did and did not test, said plainly: per category, the rules
//! that ran, did not apply, failed, could not tell or were not selected; the
//! lines every summary opens with; and whether the grade is provisional
//! because something that bears on it went untested.

use crate::check::Check;
use crate::config::ScanConfig;
use crate::inventory::Inventory;
use rampart_model::{Category, Coverage, Exchange, Need, RuleCoverage};
use std::collections::BTreeMap;

/// What one rule did in a scan.
#[derive(Debug, Clone, PartialEq)]
pub enum Did {
    Ran,
    NotApplicable,
    Failed(String),
    Inconclusive(String),
    NotSelected,
}

/// Facts about the scan the coverage depends on, beyond each rule's result.
pub struct Scan<'a> {
    pub config: &'a ScanConfig,
    /// What rules may need and the scan did not have (a flow, given or
    /// discovered; the store, connected; credentials; a second user …).
    pub unmet: &'a [Need],
    /// Every exchange recorded (for signs of sessions on the target).
    pub exchanges: &'a [Exchange],
    pub inventory: &'a Inventory,
}

/// The needs named in a line of their own when selected rules went without
/// them: what did not run, and the option that gives it.
const GIVE: [(Need, &str, &str); 4] = [
    (
        Need::Credentials,
        "Authenticated rules",
        "--header, --bearer, --login or --flow",
    ),
    (Need::Identity, "Access across users", "--identity NAME=CREDENTIAL"),
    (Need::Active, "Write probes", "--active"),
    (Need::Spec, "Spec-based rules", "--spec FILE"),
];

/// Most rules named in one line before "and N more".
const LISTED: usize = 5;

/// The coverage of a scan given what each of `checks` (the whole registry) did.
pub fn assess(scan: &Scan<'_>, checks: &[(&dyn Check, Did)]) -> Coverage {
    let mut coverage = Coverage {
        categories: by_category(checks),
        ..Coverage::default()
    };
    let unmet = |need: Need| scan.unmet.contains(&need);
    let without = |need: Need| -> Vec<&str> {
        checks
            .iter()
            .filter(|(c, did)| c.rule().requires(need) && *did != Did::NotSelected)
            .map(|(c, _)| c.rule().id)
            .collect()
    };
    let mut lines = Vec::new();
    let mut reasons = Vec::new();
    let rules = without(Need::Flow).len();
    if unmet(Need::Flow) && rules > 0 {
        lines.push(format!(
            "Session lifecycle: not tested — give --login USER or --flow FILE ({rules} session rules did not run)"
        ));
        match sessions_seen(scan.exchanges, scan.inventory) {
            Some(sign) => reasons.push(format!("session lifecycle not tested ({sign})")),
            None => lines.push("  (no cookie or login page was seen, so the grade does not count on it)".into()),
        }
    } else if unmet(Need::Store) && !without(Need::Store).is_empty() {
        lines.push(match scan.config.store {
            Some(_) => "Session store: not inspected — rampart could not connect (see the notes)".into(),
            None => "Session store: not inspected — give --store URL for the gray-box rules".into(),
        });
    }
    for (need, what, option) in GIVE {
        let rules: Vec<String> = without(need).into_iter().map(String::from).collect();
        if unmet(need) && !rules.is_empty() {
            lines.push(format!(
                "{what}: not tested — give {option} ({} rule(s) did not run: {})",
                rules.len(),
                join(&rules)
            ));
        }
    }
    let failed = listed(checks, |did| matches!(did, Did::Failed(_)).then(|| why_of(did)));
    if !failed.is_empty() {
        lines.push(format!("{} check(s) failed: {}", failed.len(), join(&failed)));
        reasons.push(format!("{} check(s) failed", failed.len()));
    }
    let unsure = listed(checks, |did| matches!(did, Did::Inconclusive(_)).then(|| why_of(did)));
    if !unsure.is_empty() {
        lines.push(format!("{} check(s) inconclusive: {}", unsure.len(), join(&unsure)));
        reasons.push(format!("{} check(s) inconclusive", unsure.len()));
    }
    let skipped = checks.iter().filter(|(_, did)| *did == Did::NotSelected).count();
    if skipped > 0 {
        let asked = scan.config.selection.join(",");
        lines.push(format!(
            "Not selected: {skipped} of {} rules (--checks {asked})",
            checks.len()
        ));
        reasons.push(format!(
            "--checks ran {} of {} rules",
            checks.len() - skipped,
            checks.len()
        ));
    }
    if !checks.iter().any(|(_, did)| *did == Did::Ran) {
        reasons.insert(
            0,
            "nothing was tested: no selected rule could run on this target".into(),
        );
    }
    if scan.config.limits.insecure {
        lines.insert(0, "TLS certificates were not verified (--insecure)".into());
    }
    if scan.config.limits.interrupt.is_set() {
        lines.insert(0, "Interrupted (Ctrl-C): this report is partial".into());
        reasons.insert(0, "the scan was interrupted".into());
    }
    coverage.not_tested = lines;
    coverage.grade_provisional = !reasons.is_empty();
    coverage.provisional_reasons = reasons;
    coverage
}

fn why_of(did: &Did) -> String {
    match did {
        Did::Failed(why) | Did::Inconclusive(why) => why.clone(),
        _ => String::new(),
    }
}

/// `ID (why)` for each check whose result `pick` keeps.
fn listed(checks: &[(&dyn Check, Did)], pick: impl Fn(&Did) -> Option<String>) -> Vec<String> {
    checks
        .iter()
        .filter_map(|(c, did)| pick(did).map(|why| format!("{} ({})", c.rule().id, crate::input::quote(&why))))
        .collect()
}

fn join(items: &[String]) -> String {
    let shown = items.iter().take(LISTED).cloned().collect::<Vec<_>>().join(", ");
    match items.len().saturating_sub(LISTED) {
        0 => shown,
        more => format!("{shown} and {more} more"),
    }
}

fn by_category(checks: &[(&dyn Check, Did)]) -> BTreeMap<Category, RuleCoverage> {
    let mut categories: BTreeMap<Category, RuleCoverage> = BTreeMap::new();
    for (check, did) in checks {
        let rule = check.rule();
        let entry = categories.entry(rule.category).or_default();
        let list = match did {
            Did::Ran => &mut entry.ran,
            Did::NotApplicable => &mut entry.not_applicable,
            Did::Failed(_) => &mut entry.failed,
            Did::Inconclusive(_) => &mut entry.inconclusive,
            Did::NotSelected => &mut entry.not_selected,
        };
        list.push(rule.id.to_string());
    }
    for entry in categories.values_mut() {
        entry.complete = entry.failed.is_empty() && entry.inconclusive.is_empty() && entry.not_selected.is_empty();
    }
    categories
}

/// A sign that the target keeps sessions: a cookie it set, a page with a
/// password field, or an API operation named like a login.
pub fn sessions_seen(exchanges: &[Exchange], inventory: &Inventory) -> Option<String> {
    for ex in exchanges {
        let path = url::Url::parse(&ex.request.url).map_or_else(|_| ex.request.url.clone(), |u| u.path().to_string());
        if let Some(cookie) = ex.response.header("set-cookie") {
            let name = cookie.split('=').next().unwrap_or_default().trim();
            return Some(format!(
                "{} {path} sets cookie {}",
                ex.request.method,
                crate::input::quote(name)
            ));
        }
        if has_password_field(&ex.response.body) {
            return Some(format!("{} {path} has a password field", ex.request.method));
        }
    }
    inventory
        .endpoints
        .iter()
        .find(|e| is_login_path(&e.path))
        .map(|e| format!("the API has {} {}", e.method, e.path))
}

fn has_password_field(body: &str) -> bool {
    let lower = body.to_ascii_lowercase();
    ["type=\"password\"", "type='password'", "type=password"]
        .iter()
        .any(|t| lower.contains(t))
}

fn is_login_path(path: &str) -> bool {
    path.to_ascii_lowercase().split('/').any(|segment| {
        matches!(
            segment,
            "login" | "signin" | "sign-in" | "sign_in" | "session" | "sessions"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn login_pages_and_cookies_are_signs_of_sessions() {
        let mut ex = Exchange::default();
        ex.request.method = "GET".into();
        ex.request.url = "http://app/account/login?next=/".into();
        ex.response.body = "<form><input name=pw TYPE=\"password\"></form>".into();
        let none = Inventory::default();
        assert_eq!(
            sessions_seen(std::slice::from_ref(&ex), &none).as_deref(),
            Some("GET /account/login has a password field")
        );
        ex.response.body = "<p>welcome</p>".into();
        assert_eq!(sessions_seen(&[ex], &none), None);
        for (path, login) in [
            ("/api/auth/login", true),
            ("/v1/sessions", true),
            ("/blog/login-tips", false),
            ("/users", false),
        ] {
            assert_eq!(is_login_path(path), login, "{path}");
        }
    }
}
