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
    #[error("cannot read {path}: {cause}")]
    File { path: String, cause: String },
}

/// A user value as messages show it: at most 80 characters, then an ellipsis.
pub fn quote(raw: &str) -> String {
    const SHOWN: usize = 80;
    match raw.char_indices().nth(SHOWN) {
        Some((cut, _)) => format!("{}…", &raw[..cut]),
        None => raw.to_string(),
    }
}

/// Bytes of files rampart reads whole.
pub const FLOW_CAP: u64 = 1024 * 1024;
pub const REPORT_CAP: u64 = 64 * 1024 * 1024;
pub const SPEC_CAP: u64 = 64 * 1024 * 1024;

/// Read a file the user named: a regular file (not a device, FIFO or
/// directory) of at most `cap` bytes, read no further than that.
pub fn read_bounded(path: &std::path::Path, cap: u64) -> Result<Vec<u8>, InputError> {
    use std::io::Read;
    let fail = |cause: String| InputError::File {
        path: quote(&path.display().to_string()),
        cause,
    };
    let meta = std::fs::metadata(path).map_err(|e| fail(e.to_string()))?;
    if !meta.is_file() {
        return Err(fail("not a regular file".into()));
    }
    let too_big = || fail(format!("larger than the {} MiB rampart reads", cap / (1024 * 1024)));
    if meta.len() > cap {
        return Err(too_big());
    }
    let file = std::fs::File::open(path).map_err(|e| fail(e.to_string()))?;
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(cap + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| fail(e.to_string()))?;
    if bytes.len() as u64 > cap {
        return Err(too_big());
    }
    Ok(bytes)
}

/// [`read_bounded`] as UTF-8 text.
pub fn read_text(path: &std::path::Path, cap: u64) -> Result<String, InputError> {
    let bytes = read_bounded(path, cap)?;
    String::from_utf8(bytes).map_err(|_| InputError::File {
        path: quote(&path.display().to_string()),
        cause: "not UTF-8 text".into(),
    })
}

/// The scan target: an absolute http or https URL with a host.
pub fn target(raw: &str) -> Result<Url, InputError> {
    let url = Url::parse(raw).map_err(|e| InputError::NotUrl {
        raw: quote(raw),
        cause: e.to_string(),
    })?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(InputError::NotHttp(quote(raw)));
    }
    Ok(url)
}

/// One `Name: value` header line → (name, value), both trimmed.
pub fn header(raw: &str) -> Result<(String, String), InputError> {
    let (name, value) = raw.split_once(':').ok_or_else(|| InputError::NotHeader(quote(raw)))?;
    let name = name.trim();
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_".contains(&b)) {
        return Err(InputError::HeaderName(quote(raw)));
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
        Some(unknown) => Err(InputError::UnknownCheck(quote(unknown))),
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

    #[test]
    fn long_values_are_quoted_short() {
        let long = "x".repeat(10_000);
        let shown = header(&long).unwrap_err().to_string();
        assert!(shown.len() < 120, "{shown}");
        assert_eq!(quote("ä".repeat(81).as_str()).chars().count(), 81);
    }

    #[test]
    fn bounded_reads_refuse_devices_and_big_files() {
        let dir = std::env::temp_dir().join(format!("rampart-input-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let big = dir.join("big");
        std::fs::write(&big, vec![b'a'; 2048]).unwrap();
        assert!(read_bounded(&big, 2048).is_ok());
        let err = read_bounded(&big, 1024).unwrap_err().to_string();
        assert!(err.contains("larger than"), "{err}");
        let err = read_bounded(std::path::Path::new("/dev/zero"), 1024)
            .unwrap_err()
            .to_string();
        assert!(err.contains("not a regular file"), "{err}");
        assert!(
            read_bounded(&dir, 1024)
                .unwrap_err()
                .to_string()
                .contains("not a regular file")
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
