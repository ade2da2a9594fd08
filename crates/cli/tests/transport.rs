//! `--proxy` sends every request through the proxy (as Burp or ZAP would
//! receive it), and bad TLS/proxy options are a one-line error.

mod support;

use support::origin::recorder;
use support::*;

#[test]
fn every_request_goes_through_the_proxy() {
    let (proxy, seen) = recorder();
    let out = rampart(&[
        "scan",
        "http://api.rampart-proxy.test/",
        "--proxy",
        &proxy,
        "--checks",
        "INV-001",
        "--rate",
        "0",
        "--no-save",
        "--format",
        "json",
    ]);
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", stderr(&out));
    let seen = seen.lock().unwrap();
    assert!(!seen.is_empty(), "the proxy received nothing");
    let direct: Vec<&str> = seen
        .iter()
        .map(|r| r.path.as_str())
        .filter(|p| !p.starts_with("http://api.rampart-proxy.test/"))
        .collect();
    assert!(direct.is_empty(), "requests not in proxy (absolute) form: {direct:?}");
    assert_eq!(json(&out)["stats"]["requests"].as_u64(), Some(seen.len() as u64));
}

#[test]
fn bad_transport_options_are_one_line_errors() {
    let url = "http://127.0.0.1:9/";
    assert_error(
        &rampart(&["scan", url, "--proxy", "ftp://p:21"]),
        "--proxy ftp://p:21 must be",
    );
    assert_error(
        &rampart(&["scan", url, "--ca-cert", "/nonexistent/ca.pem"]),
        "--ca-cert: cannot read",
    );
    let garbage = temp_file("ca.pem", "not a certificate");
    assert_error(
        &rampart(&["scan", url, "--ca-cert", garbage.to_str().unwrap()]),
        "--ca-cert",
    );
}
