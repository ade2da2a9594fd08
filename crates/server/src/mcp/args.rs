//! The tools' arguments. Their doc comments become the input schemas'
//! descriptions, which is what an assistant reads before calling a tool.

use schemars::JsonSchema;
use serde::Deserialize;

/// Arguments of `scan_api`.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct ScanApi {
    /// Base URL of the API to scan, http or https (e.g. http://127.0.0.1:8000).
    pub url: String,
    /// Path of a session flow file (TOML) on the machine running rampart; it
    /// says how to log in and out and enables the session-lifecycle rules.
    /// `${VAR}` in it reads rampart's environment.
    pub flow: Option<String>,
    /// Instead of a flow file: discover the session flow by logging in as
    /// this user. The password is never passed here: rampart reads it from
    /// its own environment (`password_env`, default RAMPART_PASSWORD).
    pub login: Option<String>,
    /// The environment variable of the rampart process that holds the
    /// `login` user's password (default RAMPART_PASSWORD).
    pub password_env: Option<String>,
    /// OpenAPI 3.x or Swagger 2.0 document (file path or http(s) URL): every
    /// operation it lists is scanned too.
    pub spec: Option<String>,
    /// Categories or rule ids to run (e.g. ["session", "SESS-001"]); all when empty.
    #[serde(default)]
    pub checks: Vec<String>,
    /// Extra request headers sent on every request, each "Name: value";
    /// `${RAMPART_…}` in a value reads rampart's environment (keep tokens there).
    #[serde(default)]
    pub headers: Vec<String>,
    /// Other users, for the two-user authorization rules (BOLA-004, BOLA-005, BFLA-002):
    /// each "NAME=login:USER" (its password from RAMPART_PASSWORD_<NAME> in
    /// rampart's environment, never passed here), or "NAME=bearer:TOKEN",
    /// "NAME=header:Name: value", "NAME=cookie:name=value"; `${RAMPART_…}`
    /// reads rampart's environment.
    #[serde(default)]
    pub identities: Vec<String>,
    /// Wall-clock budget of the scan in seconds (default 120, at most 600).
    pub max_duration_secs: Option<u64>,
}

/// Arguments of `get_scan`.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct GetScan {
    /// Scan id (or a unique prefix of it) from scan_api or list_scans.
    pub id: String,
}

/// Arguments of `list_scans`.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct ListScans {
    /// Most recent scans to list (default 20, at most 200).
    pub limit: Option<u32>,
    /// Only scans of this target URL.
    pub target: Option<String>,
}

/// Arguments of `list_rules`.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct ListRules {
    /// Only this category: a slug such as "auth", a category name, or "session".
    pub category: Option<String>,
}

/// Arguments of `review_session_code`: `code` (with `language`) or `path`.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct ReviewSessionCode {
    /// Source to review: a snippet or a whole file's content (at most 1 MiB).
    pub code: Option<String>,
    /// The language of `code`: python, javascript, typescript, tsx, go, java,
    /// php or rust; guessed from `filename` when left out.
    pub language: Option<String>,
    /// A name for `code` (e.g. "app/auth.py"): shown in findings, and its
    /// extension tells the language; "firestore.rules" reviews security rules.
    pub filename: Option<String>,
    /// The framework, when the code's imports do not show it (flask, django,
    /// fastapi, express, go, servlet, php, rust): it chooses the fix.
    pub framework: Option<String>,
    /// Instead of `code`: a file or folder to review, inside the directory
    /// rampart mcp was started in (the project).
    pub path: Option<String>,
}

/// Arguments of `explain_finding`.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct ExplainFinding {
    /// Rule id such as "SESS-001": explains the rule; with scan_id, that rule's first finding in the scan.
    pub rule_id: Option<String>,
    /// Scan id (or unique prefix) from scan_api or list_scans.
    pub scan_id: Option<String>,
    /// Finding id within that scan, such as "f-1".
    pub finding_id: Option<String>,
}
