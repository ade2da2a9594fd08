//! The scanner is never the attack: a target that redirects flow steps to
//! another origin or to a metadata address gets none of the user's
//! credentials, input files are bounded, and a slow target is cut by the
//! scan's deadline.

mod support;

use support::origin::{PASSWORD, Step, login_app, recorder};
use support::*;

const FLOW: &str = r#"
[session]
cookie = "sid"

[login]
method = "POST"
path = "/login"
form = { username = "alice", password = "${RAMPART_SAFETY_PASSWORD}" }
headers = { "X-Step-Token" = "{{session}}" }

[protected]
path = "/profile"
logged_in_marker = "hello alice"

[logout]
path = "/logout"
"#;

const API_KEY: &str = "key-secret-123";
const USER_COOKIE: &str = "t-secret-9";

fn scan_with_flow(url: &str) -> std::process::Output {
    let name = format!("flow-{}.toml", url.rsplit(':').next().unwrap_or("x"));
    let flow = temp_file(&name, FLOW);
    std::process::Command::new(env!("CARGO_BIN_EXE_rampart"))
        .env("RAMPART_SAFETY_PASSWORD", PASSWORD)
        .env("RAMPART_DB", std::env::temp_dir().join("rampart-safety-history.db"))
        .args(["scan", url, "--flow", flow.to_str().unwrap(), "--checks", "SESS-004"])
        .args(["--rate", "0", "--no-save", "--format", "json"])
        .args(["--header", &format!("X-Api-Key: {API_KEY}")])
        .args(["--cookie", &format!("tenant={USER_COOKIE}")])
        .output()
        .unwrap()
}

#[test]
fn no_flow_step_hands_credentials_to_another_origin() {
    for step in [Step::Preauth, Step::Login, Step::Protected, Step::Logout] {
        for status in [301, 302, 307, 308] {
            let (away, seen) = recorder();
            let app = login_app(Some(step), status, away);
            let out = scan_with_flow(&app);
            let err = stderr(&out);
            assert!(!err.contains("panicked"), "{step:?} {status}: {err}");
            for req in seen.lock().unwrap().iter() {
                let all = format!("{}{}", req.head, req.body);
                for secret in [PASSWORD, API_KEY, USER_COOKIE, "sid=", "X-Step-Token", "X-Api-Key"] {
                    assert!(
                        !all.contains(secret),
                        "{step:?} {status}: {secret} reached the other origin:\n{all}"
                    );
                }
                assert!(
                    req.body.is_empty(),
                    "{step:?} {status}: a body reached the other origin"
                );
            }
            let arrived = seen.lock().unwrap().len();
            let writes = matches!(step, Step::Login | Step::Logout);
            match (step, status) {
                (Step::Login, 307 | 308) => {
                    assert_error(&out, "another origin");
                    assert!(err.contains("[login]"), "{err}");
                }
                (Step::Logout, 307 | 308) => {
                    let errors = json(&out)["stats"]["errors"].to_string();
                    assert!(errors.contains("another origin"), "{errors}");
                }
                _ => assert!(arrived > 0, "{step:?} {status}: the redirect was never followed: {err}"),
            }
            if writes && matches!(status, 307 | 308) {
                assert_eq!(arrived, 0, "{step:?} {status}: a body-carrying redirect was followed");
            }
        }
    }
}

#[test]
fn same_origin_redirects_still_log_in() {
    let (away, seen) = recorder();
    let out = scan_with_flow(&login_app(None, 302, away));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report = json(&out);
    assert_eq!(report["stats"]["errors"], serde_json::json!([]), "{report:#}");
    assert_eq!(report["stats"]["checksRun"], 1);
    assert!(seen.lock().unwrap().is_empty());
}

#[test]
fn redirects_to_metadata_addresses_are_never_followed() {
    for target in [
        "http://169.254.169.254/latest/meta-data/",
        "http://[fd00:ec2::254]/",
        "http://metadata.google.internal/",
    ] {
        let location = format!("Location: {target}");
        let app = support::origin::serve(move |_| {
            support::origin::response("302 Found", std::slice::from_ref(&location), "")
        });
        let out = rampart(&["scan", &app, "--no-save", "--rate", "0"]);
        assert_error(&out, "refused to send to");
        assert!(
            stderr(&out).contains("rampart never sends requests there"),
            "{}",
            stderr(&out)
        );
    }
}

#[test]
fn flow_and_report_files_are_bounded() {
    for args in [
        vec!["scan", "http://127.0.0.1:9/", "--flow", "/dev/zero"],
        vec!["diff", "/dev/zero", "/dev/zero"],
    ] {
        assert_error(&rampart(&args), "not a regular file");
    }
    let big = temp_file("big-flow.toml", &"# padding\n".repeat(200_000));
    let out = rampart(&["scan", "http://127.0.0.1:9/", "--flow", big.to_str().unwrap()]);
    assert_error(&out, "larger than the 1 MiB rampart reads");
    let long = format!("http://127.0.0.1:9/?{}", "q".repeat(5000));
    let out = rampart(&["scan", &long, "--header", &"x".repeat(5000)]);
    assert_error(&out, "…");
    assert!(stderr(&out).len() < 400, "{}", stderr(&out));
}

#[test]
fn the_deadline_cuts_a_slow_target_and_says_so() {
    let app = support::origin::serve(|req| {
        if req.path != "/" {
            std::thread::sleep(std::time::Duration::from_secs(3));
        }
        support::origin::response("200 OK", &[], "slow")
    });
    let out = rampart(&[
        "scan",
        &app,
        "--no-save",
        "--rate",
        "0",
        "--max-duration",
        "2",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report = json(&out);
    let events = report["stats"]["events"].to_string();
    assert!(events.contains("scan deadline of 2 s"), "{events}");
}

#[test]
fn the_users_secrets_appear_in_no_output_and_no_history() {
    let demo = demo(rampart_demo::Flaws::vulnerable());
    let dir = std::env::temp_dir().join(format!("rampart-secrets-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let key = "Kq\"7\\zä-Ω!key";
    let cookie = "c\"ook\\ie-Ω9";
    let bearer = "bearer-Ω\"tok";
    let bob = "bob-Ω\"tok";
    let outputs = ["r.json", "r.sarif", "r.html", "r.md", "r.xml"].map(|f| dir.join(f));
    let mut args: Vec<String> = ["scan", &demo.url, "--rate", "0", "--checks", "auth,bola,data,input,inv"]
        .map(String::from)
        .to_vec();
    for out in &outputs {
        args.extend(["--output".into(), out.display().to_string()]);
    }
    let (har, db) = (dir.join("r.har"), dir.join("history.db"));
    args.extend([
        "--har".into(),
        har.display().to_string(),
        "--db".into(),
        db.display().to_string(),
    ]);
    args.extend([
        "--header".into(),
        format!("X-Api-Key: {key}"),
        "--header".into(),
        "X-Short: q7".into(),
    ]);
    args.extend([
        "--cookie".into(),
        format!("pref={cookie}"),
        "--bearer".into(),
        bearer.into(),
        "--identity".into(),
        format!("bob=bearer:{bob}"),
    ]);
    let out = rampart(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", stderr(&out));
    let json_form = |s: &str| {
        serde_json::Value::String(s.into())
            .to_string()
            .trim_matches('"')
            .to_string()
    };
    let url_form = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    for file in outputs.iter().chain([&har, &db]) {
        let bytes = std::fs::read(file).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        for secret in [key, cookie, bearer, bob] {
            for form in [secret.to_string(), json_form(secret), url_form(secret)] {
                assert!(!text.contains(&form), "{} holds {form}", file.display());
            }
        }
    }
    let har: serde_json::Value = serde_json::from_slice(&std::fs::read(&har).unwrap()).unwrap();
    let headers = har["log"]["entries"][0]["request"]["headers"].as_array().unwrap();
    let short = headers
        .iter()
        .find(|h| h["name"] == "X-Short")
        .expect("X-Short recorded");
    assert_eq!(short["value"], "[redacted]");
    let report: serde_json::Value = serde_json::from_slice(&std::fs::read(&outputs[0]).unwrap()).unwrap();
    let curls = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["curl"].as_array().unwrap());
    let curls: Vec<&str> = curls.filter_map(|c| c.as_str()).collect();
    assert!(
        curls
            .iter()
            .any(|c| c.contains(r#"-H "X-Api-Key: ${RAMPART_X_API_KEY}""#)),
        "reproduction lines name the hidden key: {curls:#?}"
    );
    assert!(curls.iter().all(|c| !c.contains("[redacted]")), "{curls:#?}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn excluded_paths_are_never_sent_and_bad_globs_are_refused() {
    let target = demo(rampart_demo::Flaws::vulnerable());
    let har = std::env::temp_dir().join(format!("rampart-scope-{}.har", std::process::id()));
    let out = rampart(&[
        "scan",
        &target.url,
        "--no-save",
        "--rate",
        "0",
        "--format",
        "json",
        "--exclude",
        "/products**",
        "--har",
        har.to_str().unwrap(),
    ]);
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", stderr(&out));
    let report = json(&out);
    let fired: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["ruleId"].as_str())
        .collect();
    assert!(
        !fired.contains(&"INPUT-007"),
        "the catalogue was out of scope: {fired:?}"
    );
    let har: serde_json::Value = serde_json::from_slice(&std::fs::read(&har).unwrap()).unwrap();
    let urls: Vec<&str> = har["log"]["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["request"]["url"].as_str())
        .collect();
    assert!(urls.len() > 20, "the rest was scanned: {} requests", urls.len());
    assert!(!urls.iter().any(|u| u.contains("/products")), "{urls:#?}");
    assert_error(
        &rampart(&["scan", &target.url, "--exclude", "admin/**"]),
        "must be a path glob starting with /",
    );
}
