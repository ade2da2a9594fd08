//! The real binary end to end: the demo's report contract, the CI gate, and a
//! clear exit 2 for every kind of bad input.

mod support;

use rampart_demo::Flaws;
use std::io::Write;
use std::net::TcpListener;
use std::time::Duration;
use support::*;

#[test]
fn demo_json_follows_the_report_contract() {
    let out = rampart(&["demo", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report = json(&out);
    assert_eq!(report["schema"], "rampart.report/v1");
    assert_eq!(report["tool"]["name"], "rampart");
    for key in [
        "target",
        "startedAt",
        "completedAt",
        "durationMs",
        "overall",
        "letterGrade",
        "categories",
        "findings",
        "fingerprint",
        "stats",
    ] {
        assert!(!report[key].is_null(), "missing {key}");
    }
    let keys: Vec<&String> = report.as_object().unwrap().keys().collect();
    assert_eq!(keys[0], "schema", "schema comes first");
    for key in ["requests", "checksRun", "errors"] {
        assert!(!report["stats"][key].is_null(), "missing stats.{key}");
    }
    let findings = report["findings"].as_array().unwrap();
    for rule in ["SESS-001", "SESS-002", "SESS-003", "SESS-004", "SESS-006"] {
        let f = findings
            .iter()
            .find(|f| f["ruleId"] == rule)
            .unwrap_or_else(|| panic!("{rule} missing"));
        assert_eq!(f["confidence"], "confirmed", "{rule}");
        for key in [
            "id",
            "severity",
            "category",
            "title",
            "description",
            "remediation",
            "cwe",
            "owasp",
            "endpoint",
            "evidence",
            "curl",
        ] {
            assert!(!f[key].is_null(), "{rule} lacks {key}");
        }
        assert!(f["curl"][0].as_str().unwrap().starts_with("curl "));
        assert_eq!(f["category"], "Authentication");
        assert_eq!(f["owasp"], "API2:2023");
    }
    assert!(
        report["overall"].as_u64().unwrap() <= 79,
        "a proven high caps the score"
    );
}

#[test]
fn demo_fixed_is_clean_of_session_findings() {
    let out = rampart(&["demo", "--fixed", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report = json(&out);
    let findings = report["findings"].as_array().unwrap();
    assert!(findings.is_empty(), "{findings:#?}");
    assert_eq!(report["overall"], 100);
}

#[test]
fn demo_api_proves_the_api_categories_and_cleans_up() {
    let out = rampart(&["demo", "--api", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report = json(&out);
    let fired = fired(&report);
    for rule in [
        "AUTH-005", "BOLA-004", "BOLA-005", "BFLA-002", "SSRF-001", "LLM-004", "SESS-020",
    ] {
        assert!(fired.contains(&rule), "{rule} missing from {fired:?}");
    }
    assert_eq!(report["letterGrade"], "F");
    let writes = report["stats"]["writes"].as_array().unwrap();
    assert!(writes.iter().any(|w| w["identity"] == "bob"), "{writes:#?}");
    for w in writes {
        assert!(
            matches!(w["cleanup"]["state"].as_str(), Some("done" | "notNeeded")),
            "not cleaned up: {w}"
        );
    }
}

#[test]
fn demo_api_fixed_keeps_only_its_notes() {
    let out = rampart(&["demo", "--api", "--fixed", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report = json(&out);
    let findings = report["findings"].as_array().unwrap();
    let rules: std::collections::BTreeSet<&str> = fired(&report).into_iter().collect();
    assert_eq!(rules, ["SESS-013", "SSRF-003"].into(), "{findings:#?}");
    assert!(findings.iter().all(|f| f["severity"] == "info"), "{findings:#?}");
    assert_eq!(report["letterGrade"], "A");
}

#[test]
fn demo_summary_is_readable() {
    let out = rampart(&["demo", "--format", "summary"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("Grade ") && !text.contains("Grade A") && text.contains("HIGH") && text.contains("SESS-001"),
        "{text}"
    );
}

#[test]
fn gate_threshold_and_fail_on() {
    let target = demo(Flaws::vulnerable());
    let flow = temp_file("demo-flow.toml", rampart_demo::FLOW);
    let flow = flow.to_str().unwrap();
    let scan = |extra: &[&str]| {
        let mut args = vec![
            "scan",
            target.url.as_str(),
            "--flow",
            flow,
            "--format",
            "json",
            "--rate",
            "0",
            "--entropy-samples",
            "20",
        ];
        args.extend_from_slice(extra);
        rampart(&args)
    };
    let failed = scan(&["--threshold", "80"]);
    assert_eq!(failed.status.code(), Some(1), "{}", stderr(&failed));
    assert!(stderr(&failed).contains("below the threshold 80"));
    let high = scan(&["--fail-on", "high"]);
    assert_eq!(high.status.code(), Some(1));
    assert!(stderr(&high).contains("severity high or above"));
    let fixed = demo(Flaws::fixed());
    let clean = rampart(&[
        "scan",
        fixed.url.as_str(),
        "--flow",
        flow,
        "--format",
        "json",
        "--rate",
        "0",
        "--threshold",
        "90",
        "--fail-on",
        "low",
    ]);
    assert_eq!(clean.status.code(), Some(0), "{}", stderr(&clean));
}

#[test]
fn output_file_takes_its_format_from_the_extension() {
    let path = temp_file("report.json", "");
    let out = rampart(&["demo", "--fixed", "--output", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    assert_eq!(report["schema"], "rampart.report/v1");
}

#[test]
fn short_flags_as_curl_and_nuclei_users_type_them() {
    let target = demo(Flaws::fixed());
    let path = temp_file("short.out", "");
    let out = rampart(&[
        "scan",
        &target.url,
        "-H",
        "X-Short: yes",
        "-f",
        "json",
        "-o",
        path.to_str().unwrap(),
        "--checks",
        "INV-001",
    ]);
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    assert_eq!(
        report["schema"], "rampart.report/v1",
        "-f json wins over the .out extension"
    );
}

#[test]
fn quiet_keeps_results_and_verbose_adds_the_events() {
    let target = demo(Flaws::fixed());
    let path = temp_file("quiet.json", "");
    let scan = |level: &str| {
        rampart(&[
            "scan",
            &target.url,
            level,
            "--rate",
            "0",
            "--checks",
            "INV-001",
            "--exclude",
            "/products**",
            "-o",
            path.to_str().unwrap(),
        ])
    };
    let normal = scan("--color=never");
    assert!(
        stderr(&normal).contains("rampart: report written to"),
        "{}",
        stderr(&normal)
    );
    assert!(!stderr(&normal).contains("rampart: event:"), "{}", stderr(&normal));
    let quiet = scan("-q");
    assert!(matches!(quiet.status.code(), Some(0 | 1)), "{}", stderr(&quiet));
    assert_eq!(stderr(&quiet), "", "-q says nothing besides errors");
    let verbose = scan("-v");
    assert!(
        stderr(&verbose)
            .lines()
            .any(|l| l.starts_with("rampart: event: ") && l.contains("--exclude /products**")),
        "{}",
        stderr(&verbose)
    );
    let both = rampart(&["scan", &target.url, "-q", "-v"]);
    assert_eq!(both.status.code(), Some(2), "{}", stderr(&both));
}

#[test]
fn completions_and_man_page_come_from_the_options() {
    let bash = rampart(&["completions", "bash"]);
    assert_eq!(bash.status.code(), Some(0), "{}", stderr(&bash));
    let script = String::from_utf8_lossy(&bash.stdout).into_owned();
    assert!(
        script.contains("--identity") && script.contains("--exclude"),
        "every scan option completes"
    );
    let path = temp_file("rampart.bash", &script);
    let syntax = std::process::Command::new("bash")
        .arg("-n")
        .arg(&path)
        .output()
        .unwrap();
    assert!(syntax.status.success(), "bash -n: {}", stderr(&syntax));
    for shell in ["zsh", "fish", "elvish", "powershell"] {
        let out = rampart(&["completions", shell]);
        assert!(
            out.status.success() && !out.stdout.is_empty(),
            "{shell}: {}",
            stderr(&out)
        );
    }
    assert_eq!(rampart(&["completions", "tcsh"]).status.code(), Some(2));
    let man = rampart(&["man"]);
    assert_eq!(man.status.code(), Some(0), "{}", stderr(&man));
    let page = String::from_utf8_lossy(&man.stdout);
    assert!(page.starts_with(".ie") && page.contains(".TH rampart 1"), "{page}");
    for section in ["RAMPART SCAN", "RAMPART DEMO", "RAMPART COMPLETIONS"] {
        assert!(page.contains(&format!(".SH \"{section}\"")), "{section} missing");
    }
    assert!(page.contains("\\-\\-identity"), "scan's options are on the page");
}

#[test]
fn targets_file_scans_each_url_and_gates_over_all() {
    let (bad, good) = (demo(Flaws::vulnerable()), demo(Flaws::fixed()));
    let dir = temp_file("targets-out.keep", "").parent().unwrap().to_path_buf();
    let list = |extra: &str| temp_file("targets.txt", &format!("# APIs\n{}\n\n{}\n{extra}", bad.url, good.url));
    let scan = |file: &std::path::Path, more: &[&str]| {
        let mut args = vec![
            "scan",
            "--targets",
            file.to_str().unwrap(),
            "--rate",
            "0",
            "--timeout",
            "2",
        ];
        args.extend(more);
        rampart(&args)
    };
    let out_file = dir.join("r.json");
    let both = scan(&list(""), &["-o", out_file.to_str().unwrap(), "--fail-on", "high"]);
    assert_eq!(
        both.status.code(),
        Some(1),
        "the vulnerable demo fails the gate: {}",
        stderr(&both)
    );
    let said = String::from_utf8_lossy(&both.stdout).into_owned();
    assert!(said.starts_with("Targets: 2 scanned"), "{said}");
    let port = |url: &str| url.trim_end_matches('/').rsplit(':').next().unwrap().to_string();
    for (i, demo, grade) in [(1, &bad, "F"), (2, &good, "A")] {
        let path = dir.join(format!("r-{i}-127.0.0.1-{}.json", port(&demo.url)));
        let report: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        assert_eq!(
            (report["target"].as_str(), report["letterGrade"].as_str()),
            (Some(demo.url.as_str()), Some(grade))
        );
        assert!(said.contains(&format!("{i}. {}  {grade}", demo.url)), "{said}");
    }
    let with_dead = scan(&list("http://127.0.0.1:9/\n"), &["-o", out_file.to_str().unwrap()]);
    assert_eq!(
        with_dead.status.code(),
        Some(2),
        "a target not scanned: {}",
        stderr(&with_dead)
    );
    let said = String::from_utf8_lossy(&with_dead.stdout);
    assert!(
        said.contains("1 could not be scanned") && said.contains("3. http://127.0.0.1:9/  not scanned"),
        "{said}"
    );
    assert_error(&scan(&list("not a url\n"), &[]), "targets.txt:5:");
    assert_error(&scan(&list(""), &["--format", "json"]), "one report per target");
}

#[test]
fn ctrl_c_writes_the_partial_report_and_exits_130() {
    let target = demo(Flaws::vulnerable());
    let path = temp_file("interrupted.json", "");
    let history = std::env::temp_dir().join(format!("rampart-test-{}-int.db", std::process::id()));
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_rampart"))
        .args(["scan", &target.url, "--rate", "5", "-o", path.to_str().unwrap()])
        .args(["--db", history.to_str().unwrap()])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // At 5 requests/s the scan of the demo lasts minutes; it is well under way after 2 s.
    std::thread::sleep(Duration::from_secs(2));
    let sent = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let events = report["stats"]["events"].to_string();
    assert!(
        events.contains("interrupted (Ctrl-C): this report is partial"),
        "{events}"
    );
    assert_eq!(report["gradeProvisional"], true);
    assert_eq!(report["provisionalReasons"][0], "the scan was interrupted");
    assert!(
        stderr(&out).contains("saved as"),
        "the partial scan is in the history: {}",
        stderr(&out)
    );
}

#[test]
fn an_identity_that_cannot_log_in_ends_the_scan_naming_it() {
    let target = demo(Flaws::fixed());
    let out = rampart(&[
        "scan",
        &target.url,
        "--rate",
        "0",
        "--bearer",
        "t",
        "--identity",
        "bob=login:nobody:wrong-pw",
    ]);
    assert_error(&out, "--identity bob: login discovery for nobody found no working flow");
    assert!(
        !stderr(&out).contains("skeleton") && !stderr(&out).contains("wrong-pw"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn version_names_the_commit() {
    let out = rampart(&["--version"]);
    let said = String::from_utf8_lossy(&out.stdout);
    let commit = std::process::Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    let expected = format!("rampart {} (", env!("CARGO_PKG_VERSION"));
    assert!(said.starts_with(&expected), "{said}");
    if let Some(commit) = commit {
        assert!(said.contains(&commit), "{said} should name {commit}");
    }
}

#[test]
fn a_reader_that_stops_early_is_no_error() {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_rampart"))
        .arg("checks")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{:?}: {said}", out.status);
    assert!(!said.contains("panicked"), "{said}");
}

#[test]
fn checks_lists_every_rule() {
    let out = rampart(&["checks", "--format", "json"]);
    let rules: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let ids: Vec<&str> = rules
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    for n in 1..=13 {
        assert!(ids.contains(&format!("SESS-{n:03}").as_str()), "SESS-{n:03}");
    }
    assert!(rules[0]["cwe"].is_array() && rules[0]["owasp"].is_string() && rules[0]["category"].is_string());
    let adoption = rules
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "SESS-002")
        .unwrap();
    assert_eq!(adoption["needs"], serde_json::json!(["flow"]));
    assert!(
        adoption["variants"]
            .as_array()
            .unwrap()
            .contains(&serde_json::json!("cookie"))
    );
    let example = &adoption["examples"][0];
    assert_eq!(
        example["ruleId"], "SESS-002",
        "an example is shaped like a report's finding"
    );
    assert!(
        example["endpoint"]["url"]
            .as_str()
            .unwrap()
            .starts_with("https://api.example.com/")
    );
    assert!(example["evidence"][0]["request"]["method"].is_string());
}

#[test]
fn connection_refused_is_a_clear_error() {
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let out = rampart(&["scan", &format!("http://127.0.0.1:{port}/")]);
    assert_error(&out, "cannot connect to 127.0.0.1");
}

#[test]
fn unknown_host_is_a_clear_error() {
    assert_error(
        &rampart(&["scan", "http://no-such-host.invalid/"]),
        "cannot connect to no-such-host.invalid",
    );
}

#[test]
fn tls_failure_is_a_clear_error() {
    let target = demo(Flaws::fixed());
    let https = target.url.replace("http://", "https://");
    let plain = format!(
        "the server answered in plain HTTP, not TLS: scan {} instead",
        target.url
    );
    assert_error(&rampart(&["scan", &https, "--timeout", "5"]), &plain);
}

#[test]
fn bad_arguments_are_clear_errors() {
    assert_error(&rampart(&["scan", "not a url"]), "is not a URL");
    assert_error(&rampart(&["scan", "ftp://example.com/"]), "not an http or https URL");
    let bare = rampart(&["scan", "127.0.0.1:9/v1", "--timeout", "2"]);
    assert!(
        stderr(&bare).starts_with("rampart: 127.0.0.1:9/v1 has no scheme; scanning https://127.0.0.1:9/v1\n"),
        "a URL without a scheme means https: {}",
        stderr(&bare)
    );
    assert_error(
        &rampart(&["scan", "http://127.0.0.1:9/", "--fail-on", "severe"]),
        "invalid value 'severe' for '--fail-on <SEV>' [possible values: info, low, medium, high, critical]",
    );
    assert_error(
        &rampart(&["scan", "http://127.0.0.1:9/", "--header", "nocolon"]),
        "is not 'Name: value'",
    );
    assert_error(
        &rampart(&["scan", "http://127.0.0.1:9/", "--checks", "SESS-999"]),
        "neither a rule id nor a category",
    );
    assert_error(
        &rampart(&["scan", "http://127.0.0.1:9/", "--format", "xml"]),
        "invalid value 'xml' for '--format <FORMAT>' [possible values: summary, table, json",
    );
    let identity = |value: &str| rampart(&["scan", "http://127.0.0.1:9/", "--bearer", "t", "--identity", value]);
    assert_error(&identity("bob"), "expects NAME=CREDENTIAL");
    assert_error(&identity("bob=token:x"), "must be bearer:TOKEN");
    assert_error(&identity("zed=login:zed"), "set RAMPART_PASSWORD_ZED");
    assert_error(
        &rampart(&[
            "scan",
            "http://127.0.0.1:9/",
            "--identity",
            "bob=bearer:a",
            "--identity",
            "bob=bearer:b",
        ]),
        "named twice",
    );
}

fn flow_error(flow_text: &str, needle: &str) {
    let target = demo(Flaws::vulnerable());
    let flow = temp_file(&format!("flow-{}.toml", needle.len()), flow_text);
    let out = rampart(&["scan", &target.url, "--flow", flow.to_str().unwrap(), "--rate", "0"]);
    assert_error(&out, needle);
}

#[test]
fn flow_missing_section_is_named() {
    let text = rampart_demo::FLOW.replace("[protected]", "[unprotected]");
    flow_error(&text, "unknown field `unprotected`");
    let text = rampart_demo::FLOW.split("[protected]").next().unwrap().to_string();
    flow_error(&text, "missing [protected] section");
}

#[test]
fn flow_with_a_wrong_json_pointer_names_the_step() {
    let text = rampart_demo::FLOW.replace(
        "path = \"/login\"\nform",
        "path = \"/login\"\ntoken_json = \"/tokn\"\nform",
    );
    flow_error(&text, "flow step [login]: token_json '/tokn' not found");
}

#[test]
fn oracle_that_cannot_tell_states_apart_stops_the_scan() {
    let public_page = rampart_demo::FLOW.replace(
        "path = \"/profile\"\nlogged_in_marker = \"alice\"",
        "path = \"/login\"\nlogged_in_marker = \"Sign in\"",
    );
    flow_error(
        &public_page,
        "flow step [protected]: the marker 'Sign in' appears without logging in",
    );
    let wrong_password = rampart_demo::FLOW.replace("password = \"correct-horse-7\" }", "password = \"wrong\" }");
    flow_error(&wrong_password, "flow step [login]");
}

#[test]
fn flow_errors_point_at_the_real_cause() {
    let wrong_path = rampart_demo::FLOW.replace("path = \"/profile\"", "path = \"/profil\"");
    flow_error(
        &wrong_path,
        "flow step [protected]: GET /profil answers 404 even logged in",
    );
    let wrong_cookie = rampart_demo::FLOW.replace("cookie = \"sid\"", "cookie = \"session\"");
    flow_error(&wrong_cookie, "cookie session not set; the server set: sid)");
}

#[test]
fn request_budget_stops_the_scan() {
    let target = demo(Flaws::vulnerable());
    let flow = temp_file("budget-flow.toml", rampart_demo::FLOW);
    let out = rampart(&[
        "scan",
        &target.url,
        "--flow",
        flow.to_str().unwrap(),
        "--max-requests",
        "3",
    ]);
    assert_error(&out, "request budget of 3 requests used up");
}

#[test]
fn slow_target_times_out() {
    let url = raw_server(|_, stream| {
        std::thread::sleep(Duration::from_secs(4));
        reply(stream, "200 OK", &[], b"late");
    });
    let out = rampart(&["scan", &url, "--timeout", "1"]);
    assert_error(&out, "did not answer within 1.0 s");
}

#[test]
fn scan_deadline_bounds_a_slow_body() {
    let url = raw_server(|_, stream| {
        let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n");
        for _ in 0..40 {
            let _ = stream.write_all(b"x");
            std::thread::sleep(Duration::from_millis(100));
        }
    });
    let out = rampart(&["scan", &url, "--max-duration", "1", "--timeout", "10"]);
    assert_error(&out, "did not answer within");
}

#[test]
fn redirect_loop_is_a_clear_error() {
    let url = raw_server(|_, stream| reply(stream, "302 Found", &["Location: /"], b""));
    assert_error(&rampart(&["scan", &url]), "redirect loop");
}

#[test]
fn endless_body_is_cut_and_noted() {
    let url = raw_server(|head, stream| {
        if !head.starts_with("GET / ") {
            return reply(stream, "404 Not Found", &[], b"");
        }
        let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
        let chunk = format!("{:x}\r\n{}\r\n", 64 * 1024, "a".repeat(64 * 1024));
        while stream.write_all(chunk.as_bytes()).is_ok() {}
    });
    let out = rampart(&["scan", &url, "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let events = json(&out)["stats"]["events"].to_string();
    assert!(events.contains("cut at 2097152 bytes"), "{events}");
}

#[test]
fn invalid_utf8_and_malformed_headers() {
    let binary = raw_server(|_, stream| {
        reply(
            stream,
            "200 OK",
            &["Content-Type: text/html"],
            &[0xff, 0xfe, 0x00, 0xc3, 0x28],
        )
    });
    let out = rampart(&["scan", &binary, "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let malformed = raw_server(|_, stream| {
        let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nBad Header Without Colon\r\n\r\n");
    });
    assert_error(&rampart(&["scan", &malformed]), "127.0.0.1");
}

#[test]
fn too_many_requests_backs_off_and_says_so() {
    let url = raw_server(|head, stream| {
        static SEEN: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        if head.starts_with("GET / ") && SEEN.fetch_add(1, std::sync::atomic::Ordering::SeqCst) == 0 {
            return reply(stream, "429 Too Many Requests", &["Retry-After: 1"], b"slow down");
        }
        reply(stream, "200 OK", &[], b"ok");
    });
    let out = rampart(&["scan", &url, "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let events = json(&out)["stats"]["events"].to_string();
    assert!(events.contains("answered 429; backed off 1.0 s"), "{events}");
}

#[test]
fn page_that_ignores_the_session_value_is_rejected() {
    let url = raw_server(|head, stream| {
        if head.starts_with("POST /login") {
            return reply(stream, "200 OK", &["Set-Cookie: sid=a1b2c3d4e5f6a7b8"], b"ok");
        }
        if head.starts_with("GET /profile") && head.contains("sid=") {
            return reply(stream, "200 OK", &[], b"hello alice");
        }
        reply(stream, "401 Unauthorized", &[], b"log in first");
    });
    let flow = "[session]\ncookie = \"sid\"\n[login]\npath = \"/login\"\nform = { username = \"alice\", password = \"pw12345\" }\n[protected]\npath = \"/profile\"\nlogged_in_marker = \"alice\"\n";
    let flow = temp_file("ignores-session.toml", flow);
    let out = rampart(&["scan", &url, "--flow", flow.to_str().unwrap(), "--rate", "0"]);
    assert_error(&out, "a random cookie sid also shows the marker 'alice'");
}

#[test]
fn without_a_flow_the_cookie_rules_judge_first_contact() {
    let url = raw_server(|_, stream| {
        reply(
            stream,
            "200 OK",
            &["Set-Cookie: sessionid=q8w7e6r5t4y3u2i1; Path=/; Max-Age=31536000"],
            b"home",
        )
    });
    let out = rampart(&["scan", &url, "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report = json(&out);
    let fired = fired(&report);
    for rule in ["SESS-007", "SESS-008", "SESS-009", "SESS-011"] {
        assert!(fired.contains(&rule), "{rule} not in {fired:?}");
    }
    assert!(
        !fired.contains(&"SESS-001") && !fired.contains(&"SESS-012"),
        "{fired:?}"
    );
    assert_eq!(
        report["stats"]["notApplicable"]["SESS-001"],
        "needs a session flow (--flow or --login)"
    );
}
