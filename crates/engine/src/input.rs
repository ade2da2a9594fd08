//! Parsing what a user hands a scan (target URL, extra headers, check
//! selection), shared by every front end: the command line and the MCP server.

use crate::check::Check;
use rampart_model::Rule;
use thiserror::Error;
use url::Url;

/// Why a user-supplied scan input was refused. Messages name the value, not
/// the flag or tool argument it came from; front ends add that.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum InputError {
    #[error("'{raw}' is not a URL (expected http://host[:port]/path): {cause}")]
    NotUrl { raw: String, cause: String },
    #[error("'{0}' is not an http or https URL")]
    NotHttp(String),
    #[error("'{0}' is not 'Name: value'")]
    NotHeader(String),
    #[error("'{0}' has an invalid header name")]
    HeaderName(String),
    #[error("'{0}' is neither a rule id nor a category")]
    UnknownCheck(String),
}

/// The scan target: an absolute http or https URL with a host.
pub fn target(raw: &str) -> Result<Url, InputError> {
    let url = Url::parse(raw).map_err(|e| InputError::NotUrl {
        raw: raw.to_string(),
        cause: e.to_string(),
    })?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(InputError::NotHttp(raw.to_string()));
    }
    Ok(url)
}

/// One `Name: value` header line → (name, value), both trimmed.
pub fn header(raw: &str) -> Result<(String, String), InputError> {
    let (name, value) = raw
        .split_once(':')
        .ok_or_else(|| InputError::NotHeader(raw.to_string()))?;
    let name = name.trim();
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_".contains(&b)) {
        return Err(InputError::HeaderName(raw.to_string()));
    }
    Ok((name.to_string(), value.trim().to_string()))
}

/// True when selection entry `item` (rule id, category slug or `session`) picks `rule`.
pub fn selects(item: &str, rule: &Rule) -> bool {
    item.eq_ignore_ascii_case(rule.id)
        || item.eq_ignore_ascii_case(rule.category.slug())
        || (item.eq_ignore_ascii_case("session") && rule.id.starts_with("SESS-"))
}

/// The trimmed, non-empty selection entries, each of which must pick at least one of `checks`.
pub fn selection(items: &[String], checks: &[&dyn Check]) -> Result<Vec<String>, InputError> {
    let items: Vec<String> = items
        .iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    match items
        .iter()
        .find(|item| !checks.iter().any(|c| selects(item, c.rule())))
    {
        Some(unknown) => Err(InputError::UnknownCheck(unknown.clone())),
        None => Ok(items),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets() {
        assert_eq!(target("http://h:8/x").unwrap().as_str(), "http://h:8/x");
        assert!(matches!(target("not a url"), Err(InputError::NotUrl { .. })));
        assert_eq!(target("ftp://h/"), Err(InputError::NotHttp("ftp://h/".into())));
    }

    #[test]
    fn headers() {
        assert_eq!(
            header(" X-Api-Key :  k:v ").unwrap(),
            ("X-Api-Key".into(), "k:v".into())
        );
        assert_eq!(header("novalue"), Err(InputError::NotHeader("novalue".into())));
        assert_eq!(header("a b: c"), Err(InputError::HeaderName("a b: c".into())));
        assert_eq!(header(": c"), Err(InputError::HeaderName(": c".into())));
    }
}
