//! HAR 1.2, the HTTP Archive format browsers, proxies and replay tools read:
//! every exchange of the scan as the engine recorded and redacted it.
//!
//! rampart does not see the wire: header sizes are unknown (`-1`), the HTTP
//! version is the one the client speaks to plain targets, and the whole
//! duration is counted as `wait`.

use rampart_model::{Exchange, Header, RecordedRequest, RecordedResponse, Report};
use serde_json::{Value, json};
use std::io::{self, Write};

const HTTP_VERSION: &str = "HTTP/1.1";

pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let entries: Vec<Value> = report
        .exchanges
        .iter()
        .map(|ex| entry(ex, &report.started_at))
        .collect();
    let har = json!({
        "log": {
            "version": "1.2",
            "creator": {"name": report.tool.name, "version": report.tool.version},
            "entries": entries,
            "comment": format!("rampart scan of {}; secrets redacted", report.target),
        }
    });
    serde_json::to_writer_pretty(&mut *out, &har).map_err(io::Error::from)?;
    writeln!(out)
}

/// One entry; `fallback_time` stands in for exchanges recorded without a timestamp.
fn entry(ex: &Exchange, fallback_time: &str) -> Value {
    let elapsed = ex.response.elapsed_ms;
    let mut entry = json!({
        "startedDateTime": ex.started_at.as_deref().unwrap_or(fallback_time),
        "time": elapsed,
        "request": request(&ex.request),
        "response": response(&ex.response),
        "cache": {},
        "timings": {"send": 0, "wait": elapsed, "receive": 0},
    });
    if let Some(note) = &ex.note {
        entry["comment"] = json!(note);
    }
    entry
}

fn request(req: &RecordedRequest) -> Value {
    let mut value = json!({
        "method": req.method,
        "url": req.url,
        "httpVersion": HTTP_VERSION,
        "cookies": request_cookies(&req.headers),
        "headers": headers(&req.headers),
        "queryString": query_string(&req.url),
        "headersSize": -1,
        "bodySize": req.body.as_deref().map_or(0, str::len),
    });
    if let Some(text) = &req.body {
        value["postData"] = json!({
            "mimeType": header(&req.headers, "content-type").unwrap_or_default(),
            "text": text,
        });
    }
    value
}

fn response(resp: &RecordedResponse) -> Value {
    let mut content = json!({
        "size": resp.body_bytes,
        "mimeType": resp.header("content-type").unwrap_or_default(),
        "text": resp.body,
    });
    if resp.truncated {
        content["comment"] = json!("text cut short: rampart keeps only the start of a body as evidence");
    }
    json!({
        "status": resp.status,
        "statusText": status_text(resp.status),
        "httpVersion": HTTP_VERSION,
        "cookies": response_cookies(resp),
        "headers": headers(&resp.headers),
        "content": content,
        "redirectURL": resp.header("location").unwrap_or_default(),
        "headersSize": -1,
        "bodySize": resp.body_bytes,
    })
}

fn headers(headers: &[Header]) -> Vec<Value> {
    headers
        .iter()
        .map(|h| json!({"name": h.name, "value": h.value}))
        .collect()
}

fn header<'a>(headers: &'a [Header], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case(name))
        .map(|h| h.value.as_str())
}

/// The URL's query, decoded into name/value pairs.
fn query_string(url: &str) -> Vec<Value> {
    let Some((_, query)) = url.split_once('?') else {
        return Vec::new();
    };
    let query = query.split('#').next().unwrap_or_default();
    url::form_urlencoded::parse(query.as_bytes())
        .map(|(name, value)| json!({"name": name, "value": value}))
        .collect()
}

/// Every `name=value` pair of the request's `Cookie` headers.
fn request_cookies(headers: &[Header]) -> Vec<Value> {
    headers
        .iter()
        .filter(|h| h.name.eq_ignore_ascii_case("cookie"))
        .flat_map(|h| h.value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .map(|(name, value)| json!({"name": name, "value": value}))
        .collect()
}

/// One cookie per `Set-Cookie`, with the attributes HAR names.
fn response_cookies(resp: &RecordedResponse) -> Vec<Value> {
    resp.headers_named("set-cookie").filter_map(set_cookie).collect()
}

fn set_cookie(line: &str) -> Option<Value> {
    let mut parts = line.split(';').map(str::trim);
    let (name, value) = parts.next()?.split_once('=')?;
    let mut cookie = json!({"name": name, "value": value, "httpOnly": false, "secure": false});
    for attr in parts {
        let (key, val) = attr.split_once('=').unwrap_or((attr, ""));
        match key.to_ascii_lowercase().as_str() {
            "path" => cookie["path"] = json!(val),
            "domain" => cookie["domain"] = json!(val),
            "expires" => cookie["expires"] = json!(val),
            "httponly" => cookie["httpOnly"] = json!(true),
            "secure" => cookie["secure"] = json!(true),
            _ => {}
        }
    }
    Some(cookie)
}

fn status_text(status: u16) -> &'static str {
    http::StatusCode::from_u16(status)
        .ok()
        .and_then(|code| code.canonical_reason())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report() -> Report {
        let mut report: Report = serde_json::from_value(json!({
            "schema": "rampart.report/v1", "tool": {"name": "rampart", "version": "0.1.0"},
            "target": "http://h/", "startedAt": "2026-01-01T00:00:00Z", "completedAt": "",
            "durationMs": 1, "overall": 100, "letterGrade": "A", "categories": {}, "findings": [],
            "fingerprint": {}, "stats": {"requests": 2, "checksRun": 0, "errors": [], "relogins": 0}
        }))
        .unwrap();
        report.exchanges = vec![login(), truncated()];
        report
    }

    fn h(name: &str, value: &str) -> Header {
        Header {
            name: name.into(),
            value: value.into(),
        }
    }

    fn login() -> Exchange {
        let mut ex = Exchange::default().noted("login with T0");
        ex.started_at = Some("2026-01-01T00:00:01.250Z".into());
        ex.request.method = "POST".into();
        ex.request.url = "http://h/login?next=%2Fprofile&x=a+b#frag".into();
        ex.request.headers = vec![
            h("Content-Type", "application/x-www-form-urlencoded"),
            h("Cookie", "sid=abc123[redacted]; theme=dark"),
        ];
        ex.request.body = Some("username=alice&password=[redacted]".into());
        ex.response.status = 302;
        ex.response.headers = vec![
            h("Location", "/profile"),
            h("Set-Cookie", "sid=def456[redacted]; Path=/; HttpOnly; Domain=h"),
        ];
        ex.response.elapsed_ms = 12;
        ex
    }

    fn truncated() -> Exchange {
        let mut ex = Exchange::default();
        ex.request.method = "GET".into();
        ex.request.url = "http://h/big".into();
        ex.response.status = 200;
        ex.response.headers = vec![h("content-type", "text/plain")];
        ex.response.body = "aaaa".into();
        ex.response.body_bytes = 9000;
        ex.response.truncated = true;
        ex
    }

    fn har() -> Value {
        let mut out = Vec::new();
        render(&report(), &mut out).unwrap();
        serde_json::from_slice(&out).unwrap()
    }

    #[test]
    fn log_has_version_creator_and_one_entry_per_exchange() {
        let har = har();
        assert_eq!(har["log"]["version"], "1.2");
        assert_eq!(har["log"]["creator"]["name"], "rampart");
        assert_eq!(har["log"]["entries"].as_array().unwrap().len(), 2);
        for entry in har["log"]["entries"].as_array().unwrap() {
            for key in ["startedDateTime", "time", "request", "response", "cache", "timings"] {
                assert!(!entry[key].is_null(), "entry lacks {key}");
            }
            assert_eq!(entry["timings"]["wait"], entry["time"]);
            assert_eq!(entry["request"]["headersSize"], -1);
            assert_eq!(entry["response"]["httpVersion"], "HTTP/1.1");
        }
    }

    #[test]
    fn request_has_query_cookies_and_post_data() {
        let entry = &har()["log"]["entries"][0];
        assert_eq!(entry["startedDateTime"], "2026-01-01T00:00:01.250Z");
        assert_eq!(entry["comment"], "login with T0");
        let req = &entry["request"];
        assert_eq!(
            req["queryString"],
            json!([{"name": "next", "value": "/profile"}, {"name": "x", "value": "a b"}])
        );
        assert_eq!(req["cookies"][1], json!({"name": "theme", "value": "dark"}));
        assert_eq!(req["postData"]["mimeType"], "application/x-www-form-urlencoded");
        assert_eq!(req["postData"]["text"], "username=alice&password=[redacted]");
        assert_eq!(req["bodySize"], 34);
    }

    #[test]
    fn response_has_status_text_redirect_and_cookie_attributes() {
        let resp = &har()["log"]["entries"][0]["response"];
        assert_eq!(resp["status"], 302);
        assert_eq!(resp["statusText"], "Found");
        assert_eq!(resp["redirectURL"], "/profile");
        let cookie = &resp["cookies"][0];
        assert_eq!(cookie["name"], "sid");
        assert_eq!(
            (cookie["path"].as_str(), cookie["domain"].as_str()),
            (Some("/"), Some("h"))
        );
        assert_eq!(
            (cookie["httpOnly"].as_bool(), cookie["secure"].as_bool()),
            (Some(true), Some(false))
        );
    }

    #[test]
    fn get_without_body_and_truncated_content() {
        let entry = &har()["log"]["entries"][1];
        assert_eq!(
            entry["startedDateTime"], "2026-01-01T00:00:00Z",
            "falls back to the scan start"
        );
        assert!(entry["request"].get("postData").is_none());
        assert_eq!(entry["request"]["bodySize"], 0);
        let content = &entry["response"]["content"];
        assert_eq!(
            (content["size"].as_u64(), content["mimeType"].as_str()),
            (Some(9000), Some("text/plain"))
        );
        assert!(content["comment"].as_str().unwrap().contains("cut short"));
        assert_eq!(entry["response"]["redirectURL"], "");
    }
}
