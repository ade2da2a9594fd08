//! Shared logic of the cookie-attribute rules (SESS-007/008/009/011/012):
//! every `Set-Cookie` that carried the session during the baseline login is
//! judged, and the first one that fails is the evidence.

use super::{driver, finding};
use rampart_engine::cookies::SetCookie;
use rampart_engine::{Carrier, Context, Error, Outcome};
use rampart_model::{Confidence, Endpoint, Exchange, Rule, Severity};
use url::Url;

/// A verdict on one cookie: what is wrong and how bad it is here.
pub(crate) struct Flaw {
    pub description: String,
    pub severity: Severity,
}

/// Judge every session `Set-Cookie` of the baseline with `judge`.
pub(crate) fn judge_session_cookies(
    ctx: &Context<'_>,
    rule: &'static Rule,
    judge: impl Fn(&SetCookie, &Url) -> Option<Flaw>,
) -> Result<Outcome, Error> {
    let d = driver(ctx)?;
    let Carrier::Cookie(name) = d.carrier() else {
        return Ok(Outcome::NotApplicable(format!(
            "the session travels in the {}, not a cookie",
            d.carrier().describe()
        )));
    };
    let cookies: Vec<(SetCookie, &Exchange)> = d
        .baseline()
        .exchanges()
        .flat_map(|e| {
            e.set_cookies()
                .filter_map(SetCookie::parse)
                .map(move |c| (c, e))
        })
        .filter(|(c, _)| &c.name == name && !c.is_removal())
        .collect();
    if cookies.is_empty() {
        return Ok(Outcome::NotApplicable(format!(
            "no Set-Cookie for {name} was seen"
        )));
    }
    let target = d.base();
    let Some((flaw, exchange)) = cookies
        .iter()
        .find_map(|(c, e)| judge(c, target).map(|f| (f, *e)))
    else {
        return Ok(Outcome::Findings(Vec::new()));
    };
    let endpoint = Endpoint {
        method: exchange.request.method.clone(),
        url: exchange.request.url.clone(),
    };
    let set_cookie = exchange
        .set_cookies()
        .find(|h| h.trim_start().starts_with(&format!("{name}=")))
        .unwrap_or_default();
    let description = format!(
        "{} Set-Cookie: {}",
        flaw.description,
        redact_value(set_cookie)
    );
    let evidence = exchange
        .clone()
        .noted(format!("the session cookie {name} as the server set it"));
    let f =
        finding(ctx, rule, Confidence::Firm, endpoint, description).with_severity(flaw.severity);
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
