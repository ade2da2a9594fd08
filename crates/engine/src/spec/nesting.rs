//! A pre-check of YAML flow nesting (`[[[…` and `{{{…`). The YAML parser
//! spends time proportional to the flow depth on every token, so a small
//! hostile file of deeply nested brackets would take minutes; documents that
//! nest flow collections deeper than any real spec are refused up front.
//!
//! The scan follows YAML closely enough for that bound: quoted scalars,
//! comments and block scalars (`|`, `>`) are skipped, and a bracket opens a
//! collection only where a value can start or inside another collection.

/// Deepest flow nesting accepted: far beyond what specs write in flow style,
/// and low enough that a 10 MiB document of nested brackets parses in seconds.
pub const MAX_FLOW_DEPTH: usize = 64;

/// The 1-based line and column where flow nesting first exceeds `max`.
pub fn too_deep(text: &str, max: usize) -> Option<(usize, usize)> {
    let mut depth = 0usize;
    let mut block: Option<usize> = None;
    for (n, line) in text.lines().enumerate() {
        let indent = line.len() - line.trim_start_matches(' ').len();
        if let Some(parent) = block {
            if line.trim().is_empty() || indent > parent {
                continue;
            }
            block = None;
        }
        let mut scan = Line::new(line, depth);
        if let Some(col) = scan.run(max) {
            return Some((n + 1, col + 1));
        }
        depth = scan.depth;
        if depth == 0 && scan.opens_block_scalar() {
            block = Some(indent);
        }
    }
    None
}

/// One line's scan, carrying the flow depth across lines.
struct Line<'a> {
    chars: Vec<(usize, char)>,
    text: &'a str,
    depth: usize,
    /// The last significant character before the current one (`None`: line start).
    prev: Option<char>,
    /// Where the line's content ends (before a comment).
    end: usize,
}

impl<'a> Line<'a> {
    fn new(text: &'a str, depth: usize) -> Self {
        Line {
            chars: text.char_indices().collect(),
            text,
            depth,
            prev: None,
            end: text.len(),
        }
    }

    /// Scan the line; `Some(column)` where the depth goes past `max`.
    fn run(&mut self, max: usize) -> Option<usize> {
        let mut i = 0;
        while i < self.chars.len() {
            let (at, c) = self.chars[i];
            let value_start = matches!(self.prev, None | Some(':' | '-' | '?' | ',' | '[' | '{'));
            let mut significant = c;
            match c {
                ' ' | '\t' => {}
                '#' if i == 0 || matches!(self.chars[i - 1].1, ' ' | '\t') => {
                    self.end = at;
                    return None;
                }
                '\'' | '"' if value_start => i = self.skip_quoted(i, c),
                '[' | '{' if value_start || self.depth > 0 => {
                    self.depth += 1;
                    if self.depth > max {
                        return Some(self.text[..at].chars().count());
                    }
                }
                '[' | '{' => significant = 'a',
                ']' | '}' => self.depth = self.depth.saturating_sub(1),
                _ => {}
            }
            if !matches!(c, ' ' | '\t') {
                self.prev = Some(significant);
            }
            i += 1;
        }
        None
    }

    /// The index of the closing quote (or the line's end: quotes may span lines,
    /// and the parser reports what is left unclosed).
    fn skip_quoted(&self, open: usize, quote: char) -> usize {
        let mut i = open + 1;
        while i < self.chars.len() {
            let c = self.chars[i].1;
            if quote == '"' && c == '\\' {
                i += 2;
                continue;
            }
            if c == quote && quote == '\'' && self.chars.get(i + 1).is_some_and(|n| n.1 == '\'') {
                i += 2;
                continue;
            }
            if c == quote {
                return i;
            }
            i += 1;
        }
        self.chars.len()
    }

    /// `key: |`, `- >-`, `key: |2 # note`: the following more-indented lines are text.
    fn opens_block_scalar(&self) -> bool {
        let content = self.text[..self.end].trim_end();
        let header = content.trim_end_matches(|c: char| c == '-' || c == '+' || c.is_ascii_digit());
        let Some(before) = header.strip_suffix(['|', '>']) else {
            return false;
        };
        before.is_empty() || before.ends_with(' ') || before.ends_with('\t')
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_flow_is_found_and_text_is_not() {
        let deep = format!("a: {}", "[".repeat(200));
        assert_eq!(too_deep(&deep, 128), Some((1, 132)));
        assert_eq!(too_deep(&format!("a:\n  - {}", "{".repeat(129)), 128), Some((2, 133)));
        let text = "pattern: ^[a-z]+$\nd: 'it''s [[[['\nq: \"[[[[\\\"[[\"\n# [[[[[\nx: [a, [b, {c: d}]]\n";
        assert_eq!(too_deep(&text.repeat(200), 3), None);
        let block = format!("description: |\n  {}\n  more\nnext: [1]\n", "[".repeat(300));
        assert_eq!(too_deep(&block, 128), None);
        assert_eq!(too_deep(&format!("k: >-\n{}\n", "[".repeat(300)), 128), Some((2, 129)));
    }
}
