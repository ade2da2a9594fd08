//! Just enough HTML for login discovery: forms with their inputs, links with
//! their text, and `<meta>` CSRF tokens. Tolerant of any markup (unquoted
//! attributes, upper case, missing end tags) and bounded by the page size.

/// One `<input>` (or `<button>`) of a form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    pub name: String,
    /// The `type` attribute, lower case (absent: `text` for an input, `submit` for a button).
    pub kind: String,
    pub value: String,
}

/// One `<form>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Form {
    /// The `action` attribute as written (`None`: the page itself).
    pub action: Option<String>,
    /// Upper case; `GET` when absent, as browsers do.
    pub method: String,
    pub inputs: Vec<Input>,
}

impl Form {
    pub fn password(&self) -> Option<&Input> {
        self.inputs.iter().find(|i| i.kind == "password")
    }

    pub fn hidden(&self) -> impl Iterator<Item = &Input> {
        self.inputs.iter().filter(|i| i.kind == "hidden")
    }
}

/// A link: its `href` and its text (tags stripped, trimmed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub href: String,
    pub text: String,
}

/// Every form of `html`.
pub fn forms(html: &str) -> Vec<Form> {
    let mut forms = Vec::new();
    for (attrs, inner) in elements(html, "form") {
        // An `<input>` without a type is text; a `<button>` without one submits.
        let mut inputs: Vec<Input> = tags(inner, "input")
            .map(|attrs| (attrs, "text"))
            .chain(tags(inner, "button").map(|attrs| (attrs, "submit")))
            .filter_map(|(attrs, default)| {
                let name = attr(attrs, "name")?;
                Some(Input {
                    name,
                    kind: attr(attrs, "type")
                        .unwrap_or_else(|| default.into())
                        .to_ascii_lowercase(),
                    value: attr(attrs, "value").unwrap_or_default(),
                })
            })
            .collect();
        inputs.extend(text_areas(inner).chain(selects(inner)));
        forms.push(Form {
            action: attr(attrs, "action").filter(|a| !a.is_empty()),
            method: attr(attrs, "method")
                .unwrap_or_else(|| "GET".into())
                .to_ascii_uppercase(),
            inputs,
        });
    }
    forms
}

/// A form's `<textarea>`s: kind `textarea`, the text inside as the value.
fn text_areas(form: &str) -> impl Iterator<Item = Input> + '_ {
    elements(form, "textarea").filter_map(|(attrs, inner)| {
        Some(Input {
            name: attr(attrs, "name")?,
            kind: "textarea".into(),
            value: inner
                .trim()
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&"),
        })
    })
}

/// A form's `<select>`s: kind `select`, the selected option's value (else the first one's).
fn selects(form: &str) -> impl Iterator<Item = Input> + '_ {
    elements(form, "select").filter_map(|(attrs, inner)| {
        let options: Vec<&str> = tags(inner, "option").collect();
        let chosen = options
            .iter()
            .find(|o| {
                let lower = o.to_ascii_lowercase();
                lower
                    .split_whitespace()
                    .any(|w| w == "selected" || w.starts_with("selected="))
            })
            .or(options.first());
        Some(Input {
            name: attr(attrs, "name")?,
            kind: "select".into(),
            value: chosen.and_then(|o| attr(o, "value")).unwrap_or_default(),
        })
    })
}

/// Every `<a href>` of `html`.
pub fn links(html: &str) -> Vec<Link> {
    elements(html, "a")
        .filter_map(|(attrs, inner)| {
            Some(Link {
                href: attr(attrs, "href")?,
                text: strip_tags(inner),
            })
        })
        .collect()
}

/// The name and value of a `<meta name="csrf-token" content="…">`-style tag.
pub fn meta_csrf(html: &str) -> Option<(String, String)> {
    tags(html, "meta").find_map(|attrs| {
        let name = attr(attrs, "name")?;
        let lower = name.to_ascii_lowercase();
        (lower.contains("csrf") || lower.contains("xsrf")).then_some((name, attr(attrs, "content")?))
    })
}

/// The next `<tag …>` opening tag at or after `from` in the lower-cased
/// page: where its attributes start and where it ends (`>`).
fn next_open(lower: &str, open: &str, mut from: usize) -> Option<(usize, usize)> {
    loop {
        let at = from + lower[from..].find(open)?;
        let after = at + open.len();
        let end = after + lower[after..].find('>')?;
        let boundary = lower[after..].chars().next();
        if boundary.is_some_and(|c| c.is_whitespace() || c == '>' || c == '/') {
            return Some((after, end));
        }
        from = end + 1;
    }
}

/// The attribute text of every `<tag …>` opening tag.
fn tags<'a>(html: &'a str, tag: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    let lower = html.to_ascii_lowercase();
    let open = format!("<{tag}");
    let mut from = 0;
    std::iter::from_fn(move || {
        let (after, end) = next_open(&lower, &open, from)?;
        from = end + 1;
        Some(&html[after..end])
    })
}

/// `(attributes, inner html)` of every `<tag …>…</tag>`; a missing end tag runs to the end.
fn elements<'a>(html: &'a str, tag: &'a str) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
    let lower = html.to_ascii_lowercase();
    let open = format!("<{tag}");
    let close = format!("</{tag}");
    let mut from = 0;
    std::iter::from_fn(move || {
        let (after, end) = next_open(&lower, &open, from)?;
        let inner_start = end + 1;
        let inner_end = lower[inner_start..]
            .find(&close)
            .map_or(html.len(), |i| inner_start + i);
        from = inner_end;
        Some((&html[after..end], &html[inner_start..inner_end]))
    })
}

/// The value of attribute `name` in a tag's attribute text, entities `&amp;`
/// and `&quot;` decoded.
pub fn attr(attrs: &str, name: &str) -> Option<String> {
    let lower = attrs.to_ascii_lowercase();
    let mut from = 0;
    while let Some(pos) = lower[from..].find(name) {
        let at = from + pos;
        from = at + name.len();
        let before_ok = at == 0 || lower[..at].ends_with(|c: char| c.is_whitespace() || c == '"' || c == '\'');
        let rest = lower[from..].trim_start();
        if !before_ok || !rest.starts_with('=') {
            continue;
        }
        let value_at = attrs.len() - rest.len() + 1;
        let raw = attrs[value_at..].trim_start();
        let value = match raw.chars().next() {
            Some(q @ ('"' | '\'')) => raw[1..].split(q).next().unwrap_or_default(),
            _ => raw
                .split(|c: char| c.is_whitespace() || c == '>')
                .next()
                .unwrap_or_default(),
        };
        return Some(value.replace("&quot;", "\"").replace("&amp;", "&"));
    }
    None
}

fn strip_tags(html: &str) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_login_form_with_its_fields() {
        let html = r#"<html><FORM Method=post action="/accounts/login/?next=/">
            <input type="hidden" name="csrfmiddlewaretoken" value="AbC&amp;1">
            <label>User <input name=username autofocus></label>
            <input type='password' name='password'/>
            <button type="submit" name="go">Log in</button>
        </form><form action=/search><input name=q></form>"#;
        let found = forms(html);
        assert_eq!(found.len(), 2);
        let login = &found[0];
        assert_eq!(
            (login.method.as_str(), login.action.as_deref()),
            ("POST", Some("/accounts/login/?next=/"))
        );
        let names: Vec<(&str, &str)> = login
            .inputs
            .iter()
            .map(|i| (i.name.as_str(), i.kind.as_str()))
            .collect();
        assert_eq!(
            names,
            [
                ("csrfmiddlewaretoken", "hidden"),
                ("username", "text"),
                ("password", "password"),
                ("go", "submit")
            ]
        );
        assert_eq!(login.hidden().next().unwrap().value, "AbC&1");
        assert!(login.password().is_some() && found[1].password().is_none());
        assert_eq!(found[1].method, "GET");
    }

    #[test]
    fn links_meta_tokens_and_broken_markup() {
        let html = r#"<meta name="csrf-token" content="t0k"><a class=x href="/logout"><span>Sign</span> out</a>
            <a href='/me'>me</a><abbr>no</abbr><form><input type=password name=pw"#;
        let found = links(html);
        assert_eq!(
            found[0],
            Link {
                href: "/logout".into(),
                text: "Sign out".into()
            }
        );
        assert_eq!(found.len(), 2, "<abbr> is not a link");
        assert_eq!(meta_csrf(html), Some(("csrf-token".into(), "t0k".into())));
        assert!(
            forms(html)[0].inputs.is_empty(),
            "an input tag cut off before its end is not read"
        );
        assert_eq!(attr(r#" data-name="x" name="y""#, "name").as_deref(), Some("y"));
    }

    #[test]
    fn text_areas_selects_and_buttons() {
        let page = r#"<form method=post><textarea name=note>a &lt;b&gt;</textarea>
            <select name=size><option value=s>S<option value=m selected>M</select>
            <select name=color><option value=red>Red</option><option selected="selected" value=blue>Blue</select>
            <select name=shape><option value=round>Round</option></select>
            <button name=go>Go</button></form>"#;
        let form = &forms(page)[0];
        let field = |name: &str| form.inputs.iter().find(|i| i.name == name).unwrap();
        assert_eq!(
            (field("note").kind.as_str(), field("note").value.as_str()),
            ("textarea", "a <b>")
        );
        assert_eq!(field("size").value, "m");
        assert_eq!(field("color").value, "blue");
        assert_eq!(field("shape").value, "round", "none selected: the first");
        assert_eq!(field("go").kind, "submit", "a button without a type submits");
    }
}
