//! `review_session_code`: the static review of session-handling code, on a
//! snippet an assistant is writing or on a file or folder of the project.

use super::args::ReviewSessionCode;
use super::error::ToolError;
use super::reply;
use rampart_model::Review;
use rampart_review::{Language, Options};
use rmcp::model::CallToolResult;
use std::path::{Path, PathBuf};

/// The largest `code` accepted.
const MAX_CODE: usize = 1 << 20;

pub fn run(args: &ReviewSessionCode) -> Result<CallToolResult, ToolError> {
    let review = match (&args.code, &args.path) {
        (Some(code), None) => review_code(args, code)?,
        (None, Some(path)) => review_path(path, args.framework.clone())?,
        _ => {
            return Err(ToolError::Argument {
                arg: "code",
                cause: "give either code (with language or filename) or path".into(),
            });
        }
    };
    let mut text = Vec::new();
    rampart_report::review_summary(&review, &mut text, None).map_err(|e| ToolError::Render(e.to_string()))?;
    let structured = serde_json::to_value(&review).map_err(|e| ToolError::Render(e.to_string()))?;
    Ok(reply::ok(String::from_utf8_lossy(&text).into_owned(), structured))
}

fn review_code(args: &ReviewSessionCode, code: &str) -> Result<Review, ToolError> {
    if code.len() > MAX_CODE {
        return Err(ToolError::Argument {
            arg: "code",
            cause: format!("{} bytes, more than the {MAX_CODE} a review reads", code.len()),
        });
    }
    let filename = args.filename.as_deref().unwrap_or("snippet");
    let language = match &args.language {
        Some(name) => Some(Language::named(name).ok_or_else(|| ToolError::Argument {
            arg: "language",
            cause: format!("'{name}' is not one of python, javascript, typescript, tsx, go, java, php, rust"),
        })?),
        None => None,
    };
    rampart_review::review_code(filename, code, language, args.framework.as_deref()).ok_or_else(|| {
        ToolError::Argument {
            arg: "language",
            cause: "say the language (or give a filename with its extension)".into(),
        }
    })
}

/// A file or folder inside the working directory, reviewed as `rampart review` would.
fn review_path(path: &str, framework: Option<String>) -> Result<Review, ToolError> {
    let root = std::env::current_dir().map_err(ToolError::argument("path"))?;
    let wanted = inside(&root, path)?;
    let options = Options {
        framework,
        ..Options::default()
    };
    rampart_review::review_paths(&[wanted], &options).map_err(ToolError::argument("path"))
}

/// `path` resolved against `root`, refused unless it stays inside `root`.
fn inside(root: &Path, path: &str) -> Result<PathBuf, ToolError> {
    let refuse = |cause: String| ToolError::Argument { arg: "path", cause };
    let joined = root.join(path);
    let real = joined
        .canonicalize()
        .map_err(|e| refuse(format!("cannot read {path}: {e}")))?;
    let root = root.canonicalize().map_err(|e| refuse(e.to_string()))?;
    match real.strip_prefix(&root) {
        Ok(relative) if relative.as_os_str().is_empty() => Ok(PathBuf::from(".")),
        Ok(relative) => Ok(relative.to_path_buf()),
        Err(_) => Err(refuse(format!(
            "{path} is outside {}, the directory rampart mcp was started in",
            root.display()
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_stay_inside_the_project() {
        let root = std::env::current_dir().unwrap();
        assert_eq!(inside(&root, "src").unwrap(), PathBuf::from("src"));
        assert_eq!(inside(&root, ".").unwrap(), PathBuf::from("."));
        assert!(inside(&root, "..").is_err());
        assert!(inside(&root, "/etc").is_err());
        assert!(inside(&root, "src/../../..").is_err());
        assert!(inside(&root, "no-such-file").is_err());
    }

    #[test]
    fn snippets_need_a_language() {
        let args = |code: &str, language: Option<&str>, filename: Option<&str>| ReviewSessionCode {
            code: Some(code.into()),
            language: language.map(str::to_string),
            filename: filename.map(str::to_string),
            framework: None,
            path: None,
        };
        let login =
            "from flask_session import Session\n@app.post('/login')\ndef login():\n    session['user_id'] = 1\n";
        let review = review_code(&args(login, Some("python"), None), login).unwrap();
        assert_eq!(review.findings.len(), 1);
        assert_eq!(review.findings[0].rule_id, "SESS-001");
        assert!(review_code(&args(login, None, Some("auth.py")), login).is_ok());
        assert!(matches!(
            review_code(&args(login, None, None), login),
            Err(ToolError::Argument { arg: "language", .. })
        ));
        assert!(review_code(&args(login, Some("cobol"), None), login).is_err());
        let rules = "match /sessions/{sid} {\n  allow read: if true;\n}\n";
        let review = review_code(&args(rules, None, Some("firestore.rules")), rules).unwrap();
        assert_eq!(
            review.findings.iter().map(|f| f.rule_id.as_str()).collect::<Vec<_>>(),
            ["SESS-017"]
        );
    }
}
