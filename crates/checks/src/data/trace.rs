//! Stack traces and framework debug pages in response bodies, per framework.

/// The framework whose stack trace or debug page `text` contains.
pub fn stack_trace(text: &str) -> Option<&'static str> {
    let has = |s: &str| text.contains(s);
    let lines = || {
        text.split(['\n', '\r', '\t'])
            .flat_map(|l| l.split("\\n"))
            .flat_map(|l| l.split("\\t"))
    };
    // Django's debug 404 page says DEBUG = True too, but holds no trace (INV-006 reports it).
    if has("Django Version:") && has("Traceback") {
        return Some("Django debug page");
    }
    if has("Werkzeug Debugger") || (has("__debugger__") && has("Traceback")) {
        return Some("Werkzeug debugger");
    }
    if has("Traceback (most recent call last)") && has("File ") {
        return Some("Python traceback");
    }
    if has("Rails.root:") || (has("Application Trace") && has("Framework Trace")) {
        return Some("Rails error page");
    }
    if has("Server Error in '") && has("Application.")
        || has("An unhandled exception occurred while processing the request")
        || (has("Exception") && lines().any(dotnet_frame))
    {
        return Some(".NET exception");
    }
    if (has("Exception") || has("Error")) && lines().any(java_frame) {
        return Some("Java exception");
    }
    if has("goroutine ") && (has(" [running]:") || has("panic: ")) {
        return Some("Go panic");
    }
    if has("Error") && lines().filter(|l| node_frame(l)).count() >= 2 {
        return Some("Node.js stack trace");
    }
    if (has("Stack trace:") && has("#0 ")) || (has("Fatal error") && has(" on line ")) {
        return Some("PHP error");
    }
    None
}

/// The frame text after `at ` (lines are split at real and JSON-escaped newlines and tabs).
fn frame(line: &str) -> Option<&str> {
    line.trim_start().strip_prefix("at ")
}

/// `at com.example.Foo.bar(Foo.java:12)`, `(Native Method)`, `(Unknown Source)`.
fn java_frame(line: &str) -> bool {
    let Some(f) = frame(line) else {
        return false;
    };
    let Some((method, place)) = f.split_once('(') else {
        return false;
    };
    let qualified = method.contains('.') && !method.contains(' ');
    qualified && (place.contains(".java:") || place.starts_with("Native Method") || place.starts_with("Unknown Source"))
}

/// `at Namespace.Type.Method() in C:\src\File.cs:line 42`.
fn dotnet_frame(line: &str) -> bool {
    frame(line).is_some_and(|f| f.contains(".cs:line ") || (f.starts_with("System.") && f.contains(')')))
}

/// `at handler (/app/server.js:10:5)` or `at /app/server.js:10:5`.
fn node_frame(line: &str) -> bool {
    let Some(f) = frame(line) else {
        return false;
    };
    let place = f.rsplit_once('(').map_or(f, |(_, p)| p).trim_end_matches(')');
    let mut parts = place.rsplitn(3, ':');
    let (col, row, file) = (parts.next(), parts.next(), parts.next());
    let numeric = |s: Option<&str>| s.is_some_and(|s| !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit()));
    let script = file.is_some_and(|f| [".js", ".mjs", ".cjs", ".ts"].iter().any(|e| f.ends_with(e)));
    numeric(col) && numeric(row) && script
}

#[cfg(test)]
mod tests {
    use super::stack_trace;

    #[test]
    fn recognises_each_framework() {
        let cases = [
            (
                "Traceback (most recent call last):\n  File \"/app/main.py\", line 3, in search\nKeyError: 'q'",
                "Python traceback",
            ),
            (
                r#"{"trace": "Traceback (most recent call last):\n  File \"/app/x.py\", line 1"}"#,
                "Python traceback",
            ),
            (
                "<th>Django Version:</th><td>5.2.19</td> … <div id=\"traceback\"><h2>Traceback</h2>",
                "Django debug page",
            ),
            (
                "<title>KeyError // Werkzeug Debugger</title> Traceback (most recent call last)",
                "Werkzeug debugger",
            ),
            (
                "java.lang.NullPointerException\n\tat com.example.Api.get(Api.java:42)\n\tat java.base/Thread.run(Thread.java:833)",
                "Java exception",
            ),
            (
                r#"{"error":"java.lang.IllegalStateException","trace":"\tat org.spring.X.y(X.java:1)"}"#,
                "Java exception",
            ),
            (
                "panic: runtime error: index out of range\n\ngoroutine 1 [running]:\nmain.main()",
                "Go panic",
            ),
            (
                "TypeError: x is undefined\n    at handler (/app/server.js:10:5)\n    at Layer.handle (/app/node_modules/express/lib/router/layer.js:95:5)",
                "Node.js stack trace",
            ),
            (
                "System.NullReferenceException: Object reference not set\n   at Api.Controllers.Users.Get() in C:\\src\\Users.cs:line 42",
                ".NET exception",
            ),
            ("<h1>Server Error in '/' Application.</h1>", ".NET exception"),
            ("NoMethodError ... Rails.root: /app", "Rails error page"),
            (
                "PHP Fatal error: Uncaught Exception\nStack trace:\n#0 /var/www/index.php(3): f()",
                "PHP error",
            ),
        ];
        for (text, framework) in cases {
            assert_eq!(stack_trace(text), Some(framework), "{text}");
        }
    }

    #[test]
    fn ordinary_errors_are_not_traces() {
        for text in [
            r#"{"detail": "Not Found"}"#,
            r#"{"error": "invalid input", "message": "Error at line 3 of your query"}"#,
            "We met at the station. Traceback is a word.",
            "<p>You\u{2019}re seeing this error because you have <code>DEBUG = True</code> in your Django settings (a debug 404: no trace)",
            "<html><body><h1>Internal Server Error</h1></body></html>",
            r#"{"error": "NullPointerException"}"#,
            "Meet us at Main St. (corner)",
            "goroutine counts are exported as metrics",
        ] {
            assert_eq!(stack_trace(text), None, "{text}");
        }
    }
}
