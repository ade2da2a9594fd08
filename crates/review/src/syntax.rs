//! One parse of one file, reduced to what the rules read: its functions
//! ("units"), and in each the calls, strings, assignments and `key=value`
//! pairs it holds, with their lines and the branches they sit in.

use crate::lang::{Kinds, Language};
use std::rc::Rc;
use tree_sitter::{Node, Parser};

/// The longest text kept for one fact; longer calls and strings are cut.
const MAX_FACT: usize = 4096;

/// Node kinds whose children are alternative paths: a statement in one
/// branch does not run on the paths through another.
const BRANCHES: &[&str] = &[
    "if_statement",
    "if_expression",
    "elif_clause",
    "else_clause",
    "else_if_clause",
    "conditional_expression",
    "ternary_expression",
    "switch_case",
    "switch_default",
    "case_clause",
    "default_clause",
    "expression_case",
    "type_case",
    "default_case",
    "communication_case",
    "switch_block_statement_group",
    "switch_rule",
    "case_statement",
    "default_statement",
    "catch_clause",
    "except_clause",
    "match_arm",
];

/// Where a statement sits: the ids of the branch bodies around it, outermost first.
pub type Scope = Rc<Vec<usize>>;

/// A call or string with its place.
#[derive(Debug, Clone)]
pub struct Fact {
    pub text: String,
    pub line: usize,
    pub end_line: usize,
    pub scope: Scope,
}

impl Fact {
    /// The first line: what a call does, without the callback bodies or
    /// arguments on its later lines.
    pub fn head(&self) -> &str {
        self.text.lines().next().unwrap_or_default()
    }
}

/// `target = value`.
#[derive(Debug, Clone)]
pub struct Assign {
    pub target: String,
    pub value: String,
    pub line: usize,
    pub scope: Scope,
}

/// `key=value` inside a call or literal; `owner` is the enclosing call's text
/// (or the assignment's target) up to the pair.
#[derive(Debug, Clone)]
pub struct Pair {
    pub key: String,
    pub value: String,
    pub owner: String,
    pub line: usize,
    pub scope: Scope,
}

/// A function, method or lambda (unit 0 is the file's top level).
#[derive(Debug, Clone, Default)]
pub struct Unit {
    pub name: String,
    /// Lower-case words that say what the unit is for: its name, decorators
    /// and annotations, the route it is registered on, its class.
    pub context: String,
    pub params: Vec<String>,
    pub start: usize,
    pub end: usize,
    pub calls: Vec<Fact>,
    pub strings: Vec<Fact>,
    pub assigns: Vec<Assign>,
    pub pairs: Vec<Pair>,
}

/// A parsed file.
pub struct Parsed<'a> {
    pub lang: Language,
    pub source: &'a str,
    pub units: Vec<Unit>,
}

/// Parse `source`; `None` when the grammar rejects the language (never for valid input).
pub fn parse(lang: Language, source: &str) -> Option<Parsed<'_>> {
    let mut parser = Parser::new();
    parser.set_language(&lang.grammar()).ok()?;
    let tree = parser.parse(source, None)?;
    let mut walk = Walk {
        src: source.as_bytes(),
        kinds: lang.kinds(),
        units: vec![Unit {
            start: 1,
            end: source.lines().count().max(1),
            ..Unit::default()
        }],
    };
    walk.run(tree.root_node());
    Some(Parsed {
        lang,
        source,
        units: walk.units,
    })
}

struct Walk<'s> {
    src: &'s [u8],
    kinds: &'static Kinds,
    units: Vec<Unit>,
}

/// A node still to visit, with the unit and branch scope it belongs to and
/// the context of its enclosing class.
struct Frame<'t> {
    node: Node<'t>,
    unit: usize,
    scope: Scope,
    class: Rc<String>,
}

impl<'s> Walk<'s> {
    fn run(&mut self, root: Node<'_>) {
        let mut stack = vec![Frame {
            node: root,
            unit: 0,
            scope: Rc::new(Vec::new()),
            class: Rc::new(String::new()),
        }];
        while let Some(frame) = stack.pop() {
            let (unit, scope, class) = self.visit(&frame);
            if self.kinds.strings.contains(&frame.node.kind()) {
                // A string's parts (or a concatenation's strings) are the string.
                continue;
            }
            let mut cursor = frame.node.walk();
            let children: Vec<Node<'_>> = frame.node.named_children(&mut cursor).collect();
            let branches = BRANCHES.contains(&frame.node.kind());
            // The condition runs on every path; only the bodies are branches.
            let shared: Vec<usize> = ["condition", "initializer", "value", "subject"]
                .iter()
                .filter_map(|f| frame.node.child_by_field_name(f))
                .map(|n| n.id())
                .collect();
            for child in children.into_iter().rev() {
                let scope = if branches && !shared.contains(&child.id()) {
                    let mut ids = (*scope).clone();
                    ids.push(child.id());
                    Rc::new(ids)
                } else {
                    scope.clone()
                };
                stack.push(Frame {
                    node: child,
                    unit,
                    scope,
                    class: class.clone(),
                });
            }
        }
    }

    /// Record `frame.node`'s fact; returns the unit, scope and class its children belong to.
    fn visit(&mut self, frame: &Frame<'_>) -> (usize, Scope, Rc<String>) {
        let node = frame.node;
        let kind = node.kind();
        let kinds = self.kinds;
        let line = node.start_position().row + 1;
        if kinds.functions.contains(&kind) {
            let unit = self.unit(node, &frame.class);
            self.units.push(unit);
            return (self.units.len() - 1, Rc::new(Vec::new()), frame.class.clone());
        }
        if kinds.classes.contains(&kind) {
            let class = format!("{} {}", frame.class, self.class_context(node));
            return (frame.unit, frame.scope.clone(), Rc::new(class));
        }
        let here = &mut self.units[frame.unit];
        let fact = |text: String| Fact {
            text,
            line,
            end_line: node.end_position().row + 1,
            scope: frame.scope.clone(),
        };
        if kinds.calls.contains(&kind) {
            here.calls.push(fact(without_functions(node, self.src, kinds)));
        } else if kinds.strings.contains(&kind) {
            here.strings.push(fact(text(node, self.src)));
        } else if kinds.assignments.contains(&kind) {
            if let (Some(target), Some(value)) = (
                field(node, &["left", "name", "pattern"]),
                field(node, &["right", "value"]),
            ) {
                here.assigns.push(Assign {
                    target: text(target, self.src),
                    value: without_functions(value, self.src, kinds),
                    line,
                    scope: frame.scope.clone(),
                });
            }
        } else if kinds.pairs.contains(&kind) {
            if let Some(pair) = pair(node, self.src, kinds, &frame.scope) {
                here.pairs.push(pair);
            }
        }
        (frame.unit, frame.scope.clone(), frame.class.clone())
    }

    fn unit(&self, node: Node<'_>, class: &str) -> Unit {
        let name = field(node, &["name"]).map(|n| text(n, self.src)).unwrap_or_default();
        let mut context = vec![name.clone(), class.to_string()];
        if let Some(modifiers) = child_of_kind(node, "modifiers") {
            context.push(text(modifiers, self.src));
        }
        if let Some(parent) = node.parent() {
            context.extend(self.registration(node, parent));
        }
        Unit {
            name,
            context: context.join(" ").to_lowercase(),
            params: params(node, self.src),
            start: node.start_position().row + 1,
            end: node.end_position().row + 1,
            ..Unit::default()
        }
    }

    /// What the code around an anonymous or decorated function says about it:
    /// its decorators, the variable or key it is bound to, or the call that
    /// registers it (`app.post("/login", …)`, `http.HandleFunc("/login", …)`).
    fn registration(&self, node: Node<'_>, parent: Node<'_>) -> Vec<String> {
        let mut said = Vec::new();
        match parent.kind() {
            "decorated_definition" => {
                let mut cursor = parent.walk();
                said.extend(
                    parent
                        .named_children(&mut cursor)
                        .filter(|c| c.kind() == "decorator")
                        .map(|d| text(d, self.src)),
                );
            }
            "variable_declarator" | "assignment_expression" | "pair" | "assignment" => {
                if let Some(bound) = field(parent, &["name", "left", "key"]) {
                    said.push(text(bound, self.src));
                }
            }
            "arguments" | "argument_list" => {
                if let Some(call) = parent.parent() {
                    said.push(callee(call, self.src));
                    let mut cursor = parent.walk();
                    let first_string = parent
                        .named_children(&mut cursor)
                        .take_while(|c| c.id() != node.id())
                        .find(|c| self.kinds.strings.contains(&c.kind()));
                    said.extend(first_string.map(|s| text(s, self.src)));
                }
            }
            _ => {}
        }
        said
    }

    fn class_context(&self, node: Node<'_>) -> String {
        let mut said = field(node, &["name", "type"])
            .map(|n| text(n, self.src))
            .unwrap_or_default();
        if let Some(modifiers) = child_of_kind(node, "modifiers") {
            said.push(' ');
            said.push_str(&text(modifiers, self.src));
        }
        said
    }
}

/// A call's (or value's) text with the functions passed to it cut out:
/// `app.post('/login', …)`, so a handler's body is not its registration's.
fn without_functions(node: Node<'_>, src: &[u8], kinds: &Kinds) -> String {
    let functions = kinds.functions;
    if functions.contains(&node.kind()) {
        return "…".into();
    }
    let mut cut = Vec::new();
    let mut cursor = node.walk();
    for child in node.named_children(&mut cursor) {
        if functions.contains(&child.kind()) {
            cut.push(child);
        } else if matches!(child.kind(), "arguments" | "argument_list") {
            let mut inner = child.walk();
            cut.extend(
                child
                    .named_children(&mut inner)
                    .filter(|c| functions.contains(&c.kind())),
            );
        }
    }
    let mut out = String::new();
    let mut at = node.start_byte();
    for f in cut {
        out.push_str(&String::from_utf8_lossy(&src[at..f.start_byte()]));
        out.push('…');
        at = f.end_byte();
    }
    out.push_str(&String::from_utf8_lossy(&src[at..node.end_byte()]));
    cap(out)
}

/// A pair's key and value, and the call (or assignment) it is part of.
fn pair(node: Node<'_>, src: &[u8], kinds: &Kinds, scope: &Scope) -> Option<Pair> {
    let mut cursor = node.walk();
    let named: Vec<Node<'_>> = node.named_children(&mut cursor).collect();
    if named.len() < 2 {
        return None;
    }
    let key = field(node, &["key", "name", "field"]).unwrap_or(named[0]);
    let value = field(node, &["value"]).unwrap_or(named[named.len() - 1]);
    let mut owner = String::new();
    let mut up = node.parent();
    for _ in 0..8 {
        let Some(at) = up else { break };
        if kinds.calls.contains(&at.kind()) {
            owner = callee(at, src);
            break;
        }
        if kinds.assignments.contains(&at.kind()) {
            owner = field(at, &["left", "name", "pattern"])
                .map(|t| text(t, src))
                .unwrap_or_default();
            break;
        }
        if let Some(key) = field(at, &["key", "name"]).filter(|_| kinds.pairs.contains(&at.kind())) {
            owner = format!("{}.", text(key, src));
        }
        up = at.parent();
    }
    Some(Pair {
        key: text(key, src),
        value: text(value, src),
        owner,
        line: node.start_position().row + 1,
        scope: scope.clone(),
    })
}

/// The called function of a call node (its whole text when it has no such field).
fn callee(call: Node<'_>, src: &[u8]) -> String {
    let function = field(call, &["function", "macro", "constructor", "type"]);
    match (function, field(call, &["object"]), field(call, &["name"])) {
        (Some(f), _, _) => text(f, src),
        (None, Some(object), Some(name)) => format!("{}.{}", text(object, src), text(name, src)),
        (None, None, Some(name)) => text(name, src),
        _ => text(call, src).chars().take(80).collect(),
    }
}

/// The parameter names of a function.
fn params(node: Node<'_>, src: &[u8]) -> Vec<String> {
    let Some(list) = field(node, &["parameters", "parameter"]) else {
        return Vec::new();
    };
    if list.kind() == "identifier" {
        return vec![text(list, src)];
    }
    let mut cursor = list.walk();
    list.named_children(&mut cursor)
        .filter_map(|p| first_identifier(p, src, 3))
        .collect()
}

fn first_identifier(node: Node<'_>, src: &[u8], depth: u8) -> Option<String> {
    if node.kind().ends_with("identifier") || node.kind() == "variable_name" {
        return Some(text(node, src).trim_start_matches('$').to_string());
    }
    if depth == 0 {
        return None;
    }
    if let Some(named) = field(node, &["name", "pattern"]) {
        return first_identifier(named, src, depth - 1);
    }
    let mut cursor = node.walk();
    let first = node.named_children(&mut cursor).next();
    first.and_then(|c| first_identifier(c, src, depth - 1))
}

fn field<'t>(node: Node<'t>, names: &[&str]) -> Option<Node<'t>> {
    names.iter().find_map(|n| node.child_by_field_name(n))
}

fn child_of_kind<'t>(node: Node<'t>, kind: &str) -> Option<Node<'t>> {
    let mut cursor = node.walk();
    node.named_children(&mut cursor).find(|c| c.kind() == kind)
}

/// A node's source text, cut at [`MAX_FACT`] bytes.
fn text(node: Node<'_>, src: &[u8]) -> String {
    let bytes = &src[node.start_byte()..node.end_byte().min(node.start_byte() + MAX_FACT)];
    String::from_utf8_lossy(bytes).into_owned()
}

/// `text` cut at [`MAX_FACT`] bytes, on a character boundary.
fn cap(mut text: String) -> String {
    if text.len() > MAX_FACT {
        let mut end = MAX_FACT;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn units(lang: Language, src: &str) -> Vec<Unit> {
        parse(lang, src).unwrap().units
    }

    #[test]
    fn python_handlers_carry_their_route_and_branches() {
        let src = "@app.post('/login')\ndef login():\n    if FIXED:\n        session.regenerate()\n    else:\n        session['user'] = name\n";
        let all = units(Language::Python, src);
        let login = &all[1];
        assert_eq!(login.name, "login");
        assert!(login.context.contains("/login"), "{}", login.context);
        let call = &login.calls[0];
        let assign = &login.assigns[0];
        assert_eq!((call.line, assign.line), (4, 6));
        assert_eq!(assign.target, "session['user']");
        assert_ne!(call.scope, assign.scope);
        assert!(!assign.scope.starts_with(&call.scope));
    }

    #[test]
    fn anonymous_handlers_take_the_route_they_are_registered_on() {
        let js = "app.post('/login', async (req, res) => { req.session.user = u; res.cookie('sid', t, { secure: false }); });";
        let all = units(Language::JavaScript, js);
        assert!(all[1].context.contains("'/login'") && all[1].context.contains("app.post"));
        assert_eq!(all[1].params, ["req", "res"]);
        let pair = &all[1].pairs[0];
        assert_eq!(
            (pair.key.as_str(), pair.value.as_str(), pair.owner.as_str()),
            ("secure", "false", "res.cookie")
        );
        let go = "package main\nfunc main() {\n\thttp.HandleFunc(\"/login\", func(w http.ResponseWriter, r *http.Request) {\n\t\tc := http.Cookie{Name: \"sid\", HttpOnly: true}\n\t})\n}\n";
        let all = units(Language::Go, go);
        let handler = all.iter().find(|u| u.context.contains("\"/login\"")).unwrap();
        assert_eq!(handler.params, ["w", "r"]);
        assert!(
            handler
                .pairs
                .iter()
                .any(|p| p.key == "HttpOnly" && p.owner.contains("http.Cookie"))
        );
    }
}
