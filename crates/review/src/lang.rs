//! The languages rampart reviews: how a file's name maps to one, its
//! tree-sitter grammar, and the node kinds the review reads in it.

use std::path::Path;

/// A language rampart parses with its official tree-sitter grammar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    Python,
    JavaScript,
    TypeScript,
    Tsx,
    Go,
    Java,
    Php,
    Rust,
}

/// The node kinds of one grammar that the review collects.
pub struct Kinds {
    /// Functions, methods and lambdas: each is a unit of review.
    pub functions: &'static [&'static str],
    /// Calls, constructor calls and (Go) composite literals such as `http.Cookie{…}`.
    pub calls: &'static [&'static str],
    /// String literals, SQL included.
    pub strings: &'static [&'static str],
    /// Assignments and declarations with a value: target, then value.
    pub assignments: &'static [&'static str],
    /// `name=value` pairs: keyword arguments, object and struct fields.
    pub pairs: &'static [&'static str],
    /// Classes, whose name and annotations are part of their methods' context.
    pub classes: &'static [&'static str],
}

impl Language {
    pub const ALL: [Language; 8] = [
        Language::Python,
        Language::JavaScript,
        Language::TypeScript,
        Language::Tsx,
        Language::Go,
        Language::Java,
        Language::Php,
        Language::Rust,
    ];

    /// The language of a file, from its extension.
    pub fn of_path(path: &Path) -> Option<Language> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Some(match ext.as_str() {
            "py" => Language::Python,
            "js" | "mjs" | "cjs" | "jsx" => Language::JavaScript,
            "ts" | "mts" | "cts" => Language::TypeScript,
            "tsx" => Language::Tsx,
            "go" => Language::Go,
            "java" => Language::Java,
            "php" => Language::Php,
            "rs" => Language::Rust,
            _ => return None,
        })
    }

    /// A language by the name a user gives (`python`, `js`, `typescript`, `golang` …).
    pub fn named(name: &str) -> Option<Language> {
        Some(match name.trim().to_ascii_lowercase().as_str() {
            "python" | "py" => Language::Python,
            "javascript" | "js" | "node" | "jsx" => Language::JavaScript,
            "typescript" | "ts" => Language::TypeScript,
            "tsx" => Language::Tsx,
            "go" | "golang" => Language::Go,
            "java" => Language::Java,
            "php" => Language::Php,
            "rust" | "rs" => Language::Rust,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Language::Python => "python",
            Language::JavaScript => "javascript",
            Language::TypeScript => "typescript",
            Language::Tsx => "tsx",
            Language::Go => "go",
            Language::Java => "java",
            Language::Php => "php",
            Language::Rust => "rust",
        }
    }

    /// The tree-sitter grammar.
    pub fn grammar(self) -> tree_sitter::Language {
        match self {
            Language::Python => tree_sitter_python::LANGUAGE.into(),
            Language::JavaScript => tree_sitter_javascript::LANGUAGE.into(),
            Language::TypeScript => tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
            Language::Tsx => tree_sitter_typescript::LANGUAGE_TSX.into(),
            Language::Go => tree_sitter_go::LANGUAGE.into(),
            Language::Java => tree_sitter_java::LANGUAGE.into(),
            Language::Php => tree_sitter_php::LANGUAGE_PHP.into(),
            Language::Rust => tree_sitter_rust::LANGUAGE.into(),
        }
    }

    /// The node kinds the review reads in this language.
    pub fn kinds(self) -> &'static Kinds {
        match self {
            Language::Python => &PYTHON,
            Language::JavaScript | Language::TypeScript | Language::Tsx => &JAVASCRIPT,
            Language::Go => &GO,
            Language::Java => &JAVA,
            Language::Php => &PHP,
            Language::Rust => &RUST,
        }
    }
}

const PYTHON: Kinds = Kinds {
    functions: &["function_definition", "lambda"],
    calls: &["call"],
    strings: &["string", "concatenated_string"],
    assignments: &["assignment", "augmented_assignment"],
    pairs: &["keyword_argument", "pair"],
    classes: &["class_definition"],
};

const JAVASCRIPT: Kinds = Kinds {
    functions: &[
        "function_declaration",
        "function_expression",
        "arrow_function",
        "method_definition",
        "generator_function_declaration",
    ],
    calls: &["call_expression", "new_expression"],
    strings: &["string", "template_string"],
    assignments: &["assignment_expression", "variable_declarator"],
    pairs: &["pair"],
    classes: &["class_declaration", "class"],
};

const GO: Kinds = Kinds {
    functions: &["function_declaration", "method_declaration", "func_literal"],
    calls: &["call_expression", "composite_literal"],
    strings: &["interpreted_string_literal", "raw_string_literal"],
    assignments: &["short_var_declaration", "assignment_statement", "var_spec"],
    pairs: &["keyed_element"],
    classes: &[],
};

const JAVA: Kinds = Kinds {
    functions: &["method_declaration", "constructor_declaration", "lambda_expression"],
    calls: &["method_invocation", "object_creation_expression"],
    strings: &["string_literal"],
    assignments: &["assignment_expression", "variable_declarator"],
    pairs: &["element_value_pair"],
    classes: &["class_declaration"],
};

const PHP: Kinds = Kinds {
    functions: &[
        "function_definition",
        "method_declaration",
        "anonymous_function",
        "arrow_function",
    ],
    calls: &[
        "function_call_expression",
        "member_call_expression",
        "nullsafe_member_call_expression",
        "scoped_call_expression",
        "object_creation_expression",
    ],
    strings: &["string", "encapsed_string", "heredoc", "nowdoc"],
    assignments: &["assignment_expression"],
    pairs: &["array_element_initializer"],
    classes: &["class_declaration"],
};

const RUST: Kinds = Kinds {
    functions: &["function_item", "closure_expression"],
    calls: &["call_expression", "macro_invocation"],
    strings: &["string_literal", "raw_string_literal"],
    assignments: &["let_declaration", "assignment_expression"],
    pairs: &["field_initializer"],
    classes: &["impl_item", "struct_item"],
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_grammar_loads_and_knows_its_kinds() {
        let mut missing = Vec::new();
        for lang in Language::ALL {
            let grammar = lang.grammar();
            let kinds = lang.kinds();
            for kind in kinds
                .functions
                .iter()
                .chain(kinds.calls)
                .chain(kinds.strings)
                .chain(kinds.assignments)
                .chain(kinds.pairs)
                .chain(kinds.classes)
            {
                if grammar.id_for_node_kind(kind, true) == 0 {
                    missing.push(format!("{}: {kind}", lang.name()));
                }
            }
        }
        assert!(missing.is_empty(), "{missing:?}");
    }

    #[test]
    fn languages_from_extensions_and_names() {
        assert_eq!(Language::of_path(Path::new("a/app.PY")), Some(Language::Python));
        assert_eq!(Language::of_path(Path::new("x.tsx")), Some(Language::Tsx));
        assert_eq!(Language::of_path(Path::new("README.md")), None);
        assert_eq!(Language::named("golang"), Some(Language::Go));
        assert_eq!(Language::named("cobol"), None);
    }
}
