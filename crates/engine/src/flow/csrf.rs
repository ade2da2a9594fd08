//! Copying a CSRF hidden field out of an HTML page.

/// The `value` of the `<input>` whose `name` is `field`, if the page has one.
pub fn hidden_field(html: &str, field: &str) -> Option<String> {
    let needles = [
        format!("name=\"{field}\""),
        format!("name='{field}'"),
        format!("name={field}"),
    ];
    for needle in &needles {
        let mut from = 0;
        while let Some(pos) = html[from..].find(needle.as_str()) {
            let at = from + pos;
            if let Some(value) = tag_around(html, at).and_then(value_attr) {
                return Some(value);
            }
            from = at + needle.len();
        }
    }
    None
}

/// The whole `<…>` tag containing byte offset `at`.
fn tag_around(html: &str, at: usize) -> Option<&str> {
    let start = html[..at].rfind('<')?;
    let end = at + html[at..].find('>')?;
    Some(&html[start..end])
}

fn value_attr(tag: &str) -> Option<String> {
    let pos = tag.find("value=")?;
    let rest = &tag[pos + 6..];
    let value = match rest.chars().next()? {
        q @ ('"' | '\'') => rest[1..].split(q).next()?,
        _ => rest.split(|c: char| c.is_whitespace() || c == '/').next()?,
    };
    Some(value.replace("&amp;", "&"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_django_style_field() {
        let html = r#"<form><input type="hidden" name="csrfmiddlewaretoken" value="AbC123"></form>"#;
        assert_eq!(hidden_field(html, "csrfmiddlewaretoken").as_deref(), Some("AbC123"));
        let reversed = r#"<input value='x&amp;y' type=hidden name='csrf'/>"#;
        assert_eq!(hidden_field(reversed, "csrf").as_deref(), Some("x&y"));
        assert_eq!(hidden_field("<p>no form</p>", "csrf"), None);
    }
}
