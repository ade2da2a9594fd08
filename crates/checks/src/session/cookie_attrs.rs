//! Shared logic of the cookie-attribute rules (SESS-007/008/009/011/012):
//! every `Set-Cookie` that carried the session is judged, and the first one
//! that fails is the evidence. A session carried by several cookies lacks a
//! protecting attribute only when every one of them lacks it (one protected
//! cookie keeps the set out of reach); lifetime and scope are the first
//! cookie's. They need no flow: without one they judge the
//! session-like cookies the target sets on first contact.

use super::finding;
use rampart_engine::cookies::{SetCookie, is_session_name};
use rampart_engine::{Context, Error, Outcome};
use rampart_model::{Confidence, Endpoint, Exchange, Rule, Severity};
use url::Url;

/// Which cookies of a session carried by several decide the verdict.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum SetRule {
    /// A flaw only when every cookie of the set has it (HttpOnly, Secure, SameSite).
    EveryCookie,
    /// The set's first cookie, the session cookie proper (lifetime, domain).
    FirstCookie,
}

/// A verdict on one cookie: what is wrong and how bad it is here.
pub(crate) struct Flaw {
    pub description: String,
    pub severity: Severity,
}

/// The session cookies to judge and where they were set: the flow's carrier
/// cookie during the baseline login, or without a flow, session-like cookies
/// the target set when rampart first reached it.
fn session_cookies<'a>(ctx: &'a Context<'_>, set_rule: SetRule) -> Result<Vec<(SetCookie, &'a Exchange)>, String> {
    let parsed = |e: &'a Exchange| e.set_cookies().filter_map(SetCookie::parse).map(move |c| (c, e));
    let Some(d) = ctx.driver else {
        let found: Vec<_> = ctx
            .seen
            .iter()
            .flat_map(parsed)
            .filter(|(c, _)| is_session_name(&c.name) && !c.is_removal())
            .collect();
        return if found.is_empty() {
            Err("no session cookie was set without logging in; give --flow to test the login".into())
        } else {
            Ok(found)
        };
    };
    let names = match d.carrier().cookie_names() {
        [] => {
            return Err(format!(
                "the session travels in the {}, not a cookie",
                d.carrier().describe()
            ));
        }
        [first, ..] if set_rule == SetRule::FirstCookie => std::slice::from_ref(first),
        names => names,
    };
    let found: Vec<_> = d
        .baseline()
        .exchanges()
        .flat_map(parsed)
        .filter(|(c, _)| names.contains(&c.name) && !c.is_removal())
        .collect();
    if found.is_empty() {
        Err(format!("no Set-Cookie for {} was seen", names.join(" or ")))
    } else {
        Ok(found)
    }
}

/// Judge every session `Set-Cookie` with `judge`; the first that fails is the finding.
pub(crate) fn judge_session_cookies(
    ctx: &Context<'_>,
    rule: &'static Rule,
    set_rule: SetRule,
    judge: impl Fn(&SetCookie, &Url) -> Option<Flaw>,
) -> Result<Outcome, Error> {
    let cookies = match session_cookies(ctx, set_rule) {
        Ok(cookies) => cookies,
        Err(why) => return Ok(Outcome::NotApplicable(why)),
    };
    let target = &ctx.config.target;
    let failing: Vec<_> = cookies
        .iter()
        .filter_map(|(c, e)| judge(c, target).map(|f| (f, c, *e)))
        .collect();
    let set = ctx.driver.map_or(&[][..], |d| d.carrier().cookie_names());
    if set_rule == SetRule::EveryCookie && !set.iter().all(|n| failing.iter().any(|(_, c, _)| c.name == *n)) {
        return Ok(Outcome::Findings(Vec::new()));
    }
    let Some((flaw, cookie, exchange)) = failing.into_iter().next() else {
        return Ok(Outcome::Findings(Vec::new()));
    };
    let name = &cookie.name;
    let endpoint = Endpoint {
        method: exchange.request.method.clone(),
        url: exchange.request.url.clone(),
    };
    let set_cookie = exchange
        .set_cookies()
        .find(|h| h.trim_start().starts_with(&format!("{name}=")))
        .unwrap_or_default();
    let description = format!("{} Set-Cookie: {}", flaw.description, redact_value(set_cookie));
    let evidence = exchange
        .clone()
        .noted(format!("the session cookie {name} as the server set it"));
    let f = finding(ctx, rule, Confidence::Firm, endpoint, description).with_severity(flaw.severity);
    Ok(Outcome::Findings(vec![f.with_evidence(vec![evidence])]))
}

/// The header with the cookie value cut to a prefix (the attributes are the point).
fn redact_value(header: &str) -> String {
    match header.split_once(';') {
        Some((pair, attrs)) => format!("{};{attrs}", short_pair(pair)),
        None => short_pair(header),
    }
}

fn short_pair(pair: &str) -> String {
    let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
    format!("{name}={}", rampart_engine::token::preview(value))
}
