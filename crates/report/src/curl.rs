//! A curl command line that reproduces a recorded request.

use rampart_model::Exchange;

/// Headers curl sets itself or that describe the transfer, not the request.
const SKIP: &[&str] = &["content-length", "host", "accept-encoding", "connection"];

pub fn curl(ex: &Exchange) -> String {
    let req = &ex.request;
    let mut parts = vec!["curl".to_string(), "-sS".into(), "-i".into()];
    if req.method != "GET" || req.body.is_some() {
        parts.push("-X".into());
        parts.push(req.method.clone());
    }
    for h in req
        .headers
        .iter()
        .filter(|h| !SKIP.contains(&h.name.to_ascii_lowercase().as_str()))
    {
        parts.push("-H".into());
        parts.push(quote(&format!("{}: {}", h.name, h.value)));
    }
    if let Some(body) = &req.body {
        parts.push("--data-raw".into());
        parts.push(quote(body));
    }
    parts.push(quote(&req.url));
    parts.join(" ")
}

/// POSIX single-quote quoting.
fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rampart_model::Header;

    #[test]
    fn reproduces_method_headers_body() {
        let mut ex = Exchange::default();
        ex.request.method = "POST".into();
        ex.request.url = "http://h/login".into();
        ex.request.headers = vec![Header {
            name: "Cookie".into(),
            value: "sid=it's".into(),
        }];
        ex.request.body = Some("a=1".into());
        assert_eq!(
            curl(&ex),
            r#"curl -sS -i -X POST -H 'Cookie: sid=it'\''s' --data-raw 'a=1' 'http://h/login'"#
        );
    }
}
