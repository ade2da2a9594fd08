//! Route lists that frameworks in debug mode print on their "not found" page:
//! Django's technical 404 ("Django tried these URL patterns") and Rails'
//! routing error page. Each pattern becomes a path template (`/api/items/{pk}/`);
//! patterns that stay regular expressions after that are left out.

/// Most routes read from one page.
const MAX_ROUTES: usize = 500;

/// The framework whose debug page `body` is and the route templates it lists
/// (at least one), each starting with `/`.
pub fn listed(body: &str) -> Option<(&'static str, Vec<String>)> {
    let (framework, routes) = if body.contains("Django tried these URL patterns") {
        ("Django", django(body))
    } else if body.contains("Routing Error") && body.contains("data-route-path") {
        ("Rails", rails(body))
    } else {
        return None;
    };
    (!routes.is_empty()).then_some((framework, routes))
}

fn django(body: &str) -> Vec<String> {
    let Some(start) = body.find("Django tried these URL patterns") else {
        return Vec::new();
    };
    let rest = &body[start..];
    let list = rest.find("</ol>").map_or(rest, |end| &rest[..end]);
    let mut out = Vec::new();
    for item in list.split("<li").skip(1).take(MAX_ROUTES) {
        let pieces: Vec<String> = item
            .split("<code>")
            .skip(1)
            .filter_map(|c| c.split("</code>").next())
            .map(|c| unescape(c.split("[name=").next().unwrap_or(c).trim()))
            .collect();
        let joined: Option<String> = pieces.iter().map(|p| django_piece(p)).collect();
        if let Some(path) = joined {
            push_unique(&mut out, format!("/{path}"));
        }
    }
    out
}

/// One pattern piece as a template: `^items/(?P<pk>[^/.]+)/$` and `items/<int:pk>/`
/// both give `items/{pk}/`; `None` when regular-expression syntax remains.
fn django_piece(piece: &str) -> Option<String> {
    let piece = piece.strip_prefix('^').unwrap_or(piece);
    let piece = piece.strip_suffix('$').unwrap_or(piece);
    let mut out = String::new();
    let mut rest = piece;
    while let Some(c) = rest.chars().next() {
        if let Some(group) = rest.strip_prefix("(?P<") {
            let (name, after) = group.split_once('>')?;
            out.push_str(&format!("{{{name}}}"));
            rest = skip_group(after)?;
        } else if c == '<' {
            let (inner, after) = rest[1..].split_once('>')?;
            let name = inner.rsplit(':').next().unwrap_or(inner);
            out.push_str(&format!("{{{name}}}"));
            rest = after;
        } else if "()[]\\?*+|{}".contains(c) {
            return None;
        } else {
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    Some(out)
}

/// What follows the group whose name was just read (`[^/.]+)rest` gives `rest`).
fn skip_group(after_name: &str) -> Option<&str> {
    let mut depth = 1;
    for (i, c) in after_name.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return Some(&after_name[i + 1..]);
                }
            }
            _ => {}
        }
    }
    None
}

fn rails(body: &str) -> Vec<String> {
    let mut out = Vec::new();
    for chunk in body.split("data-route-path=").skip(1).take(MAX_ROUTES) {
        let Some(quote) = chunk.chars().next().filter(|q| *q == '\'' || *q == '"') else {
            continue;
        };
        let Some(raw) = chunk[1..].split(quote).next() else {
            continue;
        };
        let path = unescape(raw).replace("(.:format)", "");
        let template: Vec<String> = path
            .split('/')
            .map(|s| match s.strip_prefix(':') {
                Some(name) => format!("{{{name}}}"),
                None => s.to_string(),
            })
            .collect();
        let template = template.join("/");
        if template.starts_with('/') && !template.contains(['(', '*']) {
            push_unique(&mut out, template);
        }
    }
    out
}

fn push_unique(out: &mut Vec<String>, route: String) {
    if !out.contains(&route) {
        out.push(route);
    }
}

fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    const DJANGO: &str = r#"<div id="info">
  <p>Using the URLconf defined in <code>shop.urls</code>,
  Django tried these URL patterns, in this order:</p>
  <ol>
      <li>
          <code>admin/</code>
      </li>
      <li>
          <code>api/</code>
          <code>^products/$ [name=&#x27;product-list&#x27;]</code>
      </li>
      <li>
          <code>api/</code>
          <code>^products\.(?P&lt;format&gt;[a-z0-9]+)/?$ [name=&#x27;product-list&#x27;]</code>
      </li>
      <li>
          <code>api/</code>
          <code>^products/(?P&lt;pk&gt;[^/.]+)/$ [name=&#x27;product-detail&#x27;]</code>
      </li>
      <li>
          <code>api/orders/&lt;int:order_id&gt;/</code>
      </li>
      <li>
          <code>api/</code>
          <code>^$ [name=&#x27;api-root&#x27;]</code>
      </li>
  </ol>
  <p>The current path, <code>rampart-1234</code>, didn’t match any of these.</p>"#;

    #[test]
    fn django_patterns_become_templates() {
        let (framework, routes) = listed(DJANGO).unwrap();
        assert_eq!(framework, "Django");
        assert_eq!(
            routes,
            [
                "/admin/",
                "/api/products/",
                "/api/products/{pk}/",
                "/api/orders/{order_id}/",
                "/api/"
            ]
        );
    }

    #[test]
    fn rails_routes_become_templates() {
        let page = r#"<h1>Routing Error</h1><table><tr class="route_row" data-helper="path" data-route-name="user" data-route-verb="GET" data-route-path="/users/:id(.:format)" data-regexp="">
            <tr data-route-path='/health'>"#;
        let (framework, routes) = listed(page).unwrap();
        assert_eq!(framework, "Rails");
        assert_eq!(routes, ["/users/{id}", "/health"]);
    }

    #[test]
    fn ordinary_not_found_pages_list_nothing() {
        assert!(listed("<h1>Not Found</h1><p>The requested resource was not found on this server.</p>").is_none());
        assert!(listed(r#"{"detail":"Not found."}"#).is_none());
    }
}
