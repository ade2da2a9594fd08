"""One variant of a lab target's source tree, specialised: every branch on the variant constant
resolved, the untaken branch blanked out, line numbers kept. Standard library only.

A lab target is one source tree serving both variants (LAB_VARIANT=vulnerable|fixed), branching on
a constant: Python `FIXED` (or `settings.FIXED`), JavaScript `fixed` / `vulnerable`, Go `vulnerable`,
Java `fixed`. specialise_tree() writes a copy of the tree for one variant in which

  - `if` / `elif` / `else` chains whose tests the constant decides (`FIXED`, `not FIXED`, `!fixed`,
    `fixed && x`; in Python also `x and not FIXED`, reduced to `x`) keep only the taken branch: the
    untaken lines become blank lines, so every kept line stays at its line number. A Python chain
    reduced to one branch loses its header and the branch moves out to the `if`'s indentation
    (under an `if True:` instead where that would not parse); in JavaScript, Go and Java the
    branch stays a bare `{ ... }` block;
  - a kept branch that ends in `return` / `raise` / `throw` makes the rest of its enclosing block
    dead code for that variant: it is blanked too (`if FIXED: ...; return x` followed by the
    vulnerable code);
  - Python only: `a if FIXED else b` keeps the taken operand and any other `FIXED` read becomes
    `True` / `False` (JavaScript ternaries on the constant are left as they are);
  - files of the other variant are left out: a file or folder named after it (rules/fixed.rules,
    api-zoo/vulnerable/) and the modules ONLY_IN names; vendored folders (VENDORED) are skipped.

A Python result that does not parse, or any result whose line count changed, raises VariantError.
"""
from __future__ import annotations

import ast
import io
import re
import shutil
import tokenize
from pathlib import Path

VARIANTS = ("vulnerable", "fixed")
VENDORED = {"node_modules", "__pycache__", ".venv", "venv", "vendor", ".git", "dist", "build", "target"}
# Modules only one variant ever loads, beyond files named after a variant: target -> {path: variant}.
ONLY_IN = {
    # "Only imported when LAB_VARIANT=fixed" (their docstrings; urls.py and settings.py name them).
    "djrest-cookie": {"api/sessions.py": "fixed", "api/session_views.py": "fixed"},
}
# The variant constants: name -> the variant for which it is true.
PY_CONSTANTS = {"FIXED": "fixed", "VULNERABLE": "vulnerable"}
C_CONSTANTS = {"fixed": "fixed", "vulnerable": "vulnerable", "FIXED": "fixed", "VULNERABLE": "vulnerable"}
C_LANGS = {".js": "js", ".mjs": "js", ".cjs": "js", ".ts": "js", ".go": "go", ".java": "java"}


class VariantError(Exception):
    """A file could not be specialised (the result would not be valid source)."""


# --- the tree ---------------------------------------------------------------------------------


def belongs(rel: Path, variant: str, target: str) -> bool:
    """Whether the file rel (relative to the target) is part of `variant`'s source."""
    if any(part in VENDORED for part in rel.parts) or rel.suffix == ".pyc":
        return False
    other = VARIANTS[1 - VARIANTS.index(variant)]
    if other in (*rel.parts[:-1], rel.stem):
        return False
    return ONLY_IN.get(target, {}).get(rel.as_posix(), variant) == variant


def specialise_text(text: str, suffix: str, variant: str) -> str:
    """The source text of one file, specialised for `variant` (unchanged for other languages)."""
    if suffix == ".py":
        try:  # the branch left moved out of its `if`; else kept under an `if True:`
            out = _Python(text, variant).run()
        except (SyntaxError, VariantError):
            out = _Python(text, variant, dedent=False).run()
    elif suffix in C_LANGS:
        out = _CLike(text, C_LANGS[suffix], variant).run()
    else:
        return text
    if out.count("\n") != text.count("\n"):
        raise VariantError("line count changed")
    return out


def specialise_tree(src: Path, dst: Path, variant: str, target: str) -> list[Path]:
    """Copy `variant`'s files of the target at src into dst (same relative names), specialised.
    Returns the relative paths written."""
    written = []
    for path in sorted(src.rglob("*")):
        rel = path.relative_to(src)
        if not path.is_file() or not belongs(rel, variant, target):
            continue
        out = dst / rel
        out.parent.mkdir(parents=True, exist_ok=True)
        if path.suffix == ".py" or path.suffix in C_LANGS:
            try:
                text = path.read_text(encoding="utf-8")
                out.write_text(specialise_text(text, path.suffix, variant), encoding="utf-8")
            except (VariantError, SyntaxError, UnicodeDecodeError) as ex:
                raise VariantError(f"{target}/{rel.as_posix()} ({variant}): {ex}") from ex
        else:
            shutil.copyfile(path, out)
        written.append(rel)
    return written


# --- editing lines in place -------------------------------------------------------------------


SQUEEZE = "\0"  # fills a span blanked inside an expression until text() squeezes it out


def _squeezed(m: re.Match) -> str:
    """What a squeezed span becomes: one blank where blanks or two words meet, else nothing."""
    s, a, b = m.string, m.start(), m.end()
    words = a > 0 and b < len(s) and (s[a - 1].isalnum() or s[a - 1] == "_") and (s[b].isalnum() or s[b] == "_")
    return " " if m.group(1) or m.group(2) or words else ""


class _Lines:
    """Source text as a list of lines, edited in place: blanked spans keep their newlines."""

    def __init__(self, text: str):
        self.lines = text.splitlines(keepends=True)
        self.touched: set[int] = set()
        self.dedents: dict[int, int] = {}  # line -> leading characters text() removes

    def dedent(self, l1: int, l2: int, n: int, keep: set[int]) -> None:
        """Have text() remove n leading blanks from lines l1..l2, except the lines in keep."""
        for ln in range(l1, l2 + 1):
            if ln not in keep:
                self.dedents[ln] = self.dedents.get(ln, 0) + n

    def blank(self, l1: int, c1: int, l2: int, c2: int, inline: bool = False) -> None:
        """Spaces over (l1, c1) .. (l2, c2), 1-based lines, character columns, end exclusive.
        inline (part of an expression): a line continuation is kept, and text() squeezes the span
        out of its line instead of leaving blanks."""
        fill = SQUEEZE if inline else " "
        for ln in range(l1, l2 + 1):
            line = self.lines[ln - 1]
            body = line.rstrip("\r\n")
            a = c1 if ln == l1 else 0
            b = c2 if ln == l2 else len(body)
            end = body[b:]
            if inline and ln != l2 and body.endswith("\\") and b >= len(body):
                b, end = len(body) - 1, "\\"
            self.lines[ln - 1] = body[:a] + fill * (b - a) + end + line[len(body):]
            self.touched.add(ln)

    def line_end(self, ln: int, col: int) -> tuple[int, int]:
        """(ln, end of line) when only a comment or blanks follow col on that line, else (ln, col)."""
        rest = self.lines[ln - 1].rstrip("\r\n")[col:].lstrip()
        return (ln, len(self.lines[ln - 1].rstrip("\r\n"))) if not rest or rest[0] == "#" else (ln, col)

    def put(self, ln: int, col: int, *choices: str) -> None:
        """Write the first of `choices` that fits over blanks at (ln, col)."""
        line = self.lines[ln - 1]
        body = line.rstrip("\r\n")
        for text in choices:
            room = body[col:col + len(text)]
            if not room.strip(" " + SQUEEZE):
                self.lines[ln - 1] = body[:col] + text + body[col + len(text):] + line[len(body):]
                self.touched.add(ln)
                return
        raise VariantError(f"line {ln}: no room for {choices[-1]!r}")

    def text(self) -> str:
        """The edited text; lines an edit left empty become empty lines."""
        out = []
        for i, line in enumerate(self.lines, 1):
            body = line.rstrip("\r\n")
            n = self.dedents.get(i, 0)
            if body[:n].strip(" " + SQUEEZE):
                raise VariantError(f"line {i}: cannot remove {n} leading blanks")
            body = body[n:]
            if i in self.touched:  # an edit never leaves a line ending inside a string
                body = re.sub(f"( ?){SQUEEZE}+( ?)", _squeezed, body).rstrip()
            out.append(body + line[len(line.rstrip("\r\n")):])
        return "".join(out)


# --- Python -----------------------------------------------------------------------------------


class _Python:
    """Specialises one Python module (ast for the structure, tokenize for keywords and colons)."""

    def __init__(self, text: str, variant: str, dedent: bool = True):
        self.src = _Lines(text)
        self.variant, self.dedent = variant, dedent
        self.tree = ast.parse(text)
        every = list(tokenize.generate_tokens(io.StringIO(text).readline))
        self.tokens = [t for t in every if t.type in (tokenize.NAME, tokenize.OP, tokenize.COMMENT)]
        # lines that begin inside a multi-line token (a triple-quoted string): never re-indented
        self.inside = {ln for t in every for ln in range(t.start[0] + 1, t.end[0] + 1)}

    def run(self) -> str:
        self._block(self.tree.body)
        out = self.src.text()
        ast.parse(out)  # SyntaxError if an edit broke the module
        return out

    # positions: ast gives UTF-8 byte columns, _Lines and tokenize character columns
    def _col(self, ln: int, byte_col: int) -> int:
        return len(self.src.lines[ln - 1].encode("utf-8")[:byte_col].decode("utf-8", "replace"))

    def _start(self, node) -> tuple[int, int]:
        first = min([node, *getattr(node, "decorator_list", [])], key=lambda n: (n.lineno, n.col_offset))
        return first.lineno, self._col(first.lineno, first.col_offset)

    def _end(self, node) -> tuple[int, int]:
        return node.end_lineno, self._col(node.end_lineno, node.end_col_offset)

    def _token_after(self, pos: tuple[int, int], strings: tuple[str, ...]):
        """The first NAME/OP token at or after pos whose text is one of strings."""
        return next((t for t in self.tokens if t.start >= pos and t.string in strings), None)

    # values
    def _value(self, node) -> bool | None:
        """The truth of node for the variant when the variant constant decides it, else None."""
        if isinstance(node, ast.Name) and node.id in PY_CONSTANTS and isinstance(node.ctx, ast.Load):
            return self.variant == PY_CONSTANTS[node.id]
        if isinstance(node, ast.Attribute) and node.attr in PY_CONSTANTS and isinstance(node.ctx, ast.Load):
            return self.variant == PY_CONSTANTS[node.attr]
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            v = self._value(node.operand)
            return None if v is None else not v
        if isinstance(node, ast.BoolOp):
            vals = [self._value(v) for v in node.values]
            decisive = isinstance(node.op, ast.Or)  # True decides `or`, False decides `and`
            if decisive in vals:
                return decisive
            return (not decisive) if all(v is not None for v in vals) else None
        return None

    # statements
    def _block(self, stmts: list) -> None:
        """Visit a statement list; a resolved `if` that always leaves the block ends it."""
        left = False  # whether a statement is left before this one
        for i, st in enumerate(stmts):
            status = self._if(st, need_pass=not left and i + 1 == len(stmts)) if isinstance(st, ast.If) else ""
            left = left or status != "gone"
            if status == "leaves" and i + 1 < len(stmts):
                (l1, c1), (l2, c2) = self._start(stmts[i + 1]), self.src.line_end(*self._end(stmts[-1]))
                if l1 > st.end_lineno:  # from the line after the `if`: comments before the dead code too
                    l1, c1 = st.end_lineno + 1, 0
                self.src.blank(l1, c1, l2, c2)
                return
            if not isinstance(st, ast.If):
                self._visit(st)

    def _visit(self, node) -> None:
        """Generic walk: statement lists through _block, expressions through _expr."""
        if isinstance(node, ast.expr):
            self._expr(node)
            return
        for _, value in ast.iter_fields(node):
            if isinstance(value, list) and value and isinstance(value[0], ast.stmt):
                self._block(value)
            elif isinstance(value, list):
                for item in value:
                    if isinstance(item, ast.AST):
                        self._visit(item)
            elif isinstance(value, ast.AST):
                self._visit(value)

    def _clauses(self, node: ast.If) -> list[tuple[tuple[int, int], str, ast.expr | None, list]]:
        """The if/elif/else chain: (keyword position, keyword, test or None, body) per clause."""
        out, kw = [], ("if", self._start(node))
        while True:
            out.append((kw[1], kw[0], node.test, node.body))
            if not node.orelse:
                return out
            tok = self._token_after(self._end(node.body[-1]), ("else", "elif"))
            if tok.string == "elif":
                node, kw = node.orelse[0], ("elif", tok.start)
                continue
            out.append((tok.start, "else", None, node.orelse))
            return out

    def _header_end(self, kw_pos, test) -> tuple[int, int]:
        """End of a clause's header: its colon, plus a comment after it on that line."""
        colon = self._token_after(self._end(test) if test is not None else kw_pos, (":",))
        after = next((t for t in self.tokens if t.start >= colon.end), None)
        if after is not None and after.type == tokenize.COMMENT and after.start[0] == colon.end[0]:
            return after.end
        return colon.end

    def _if(self, node: ast.If, need_pass: bool) -> str:
        """Resolve an if/elif/else chain: "gone" when nothing of it is left (`pass` instead where
        need_pass), "leaves" when what is left always leaves the block, else ""."""
        clauses = self._clauses(node)
        vals = [True if test is None else self._value(test) for _, _, test, _ in clauses]
        if all(v is None for v in vals[:len(clauses) - (clauses[-1][2] is None)]):
            for _, _, test, body in clauses:
                if test is not None:
                    self._expr(test)
                self._block(body)
            return ""
        kept = []
        for i, v in enumerate(vals):
            if v is not False:
                kept.append(i)
            if v is True:
                break
        end = self.src.line_end(*self._end(clauses[-1][3][-1]))
        for i in range(len(clauses)):
            if i not in kept:
                stop = clauses[i + 1][0] if i + 1 < len(clauses) else end
                self.src.blank(*clauses[i][0], *stop)
        if not kept:
            if need_pass:
                self.src.put(*clauses[0][0], "pass")
            return "gone"
        single = len(kept) == 1 and vals[kept[0]] is True
        pos, kw, test, body = clauses[kept[0]]
        header_end = self._header_end(pos, test)
        if single and self.dedent and header_end[0] < body[0].lineno:
            # the one branch left: its header goes, its body moves out to the if's indentation
            self.src.blank(*pos, *header_end)
            last = self.src.line_end(*self._end(body[-1]))[0]
            self.src.dedent(header_end[0] + 1, last, self._start(body[0])[1] - clauses[0][0][1], self.inside)
            self._block(body)
        else:
            for j, i in enumerate(kept):
                pos, kw, test, body = clauses[i]
                if vals[i] is True:
                    self.src.blank(*pos, *self._header_end(pos, test))
                    self.src.put(*pos, *(("if True:", "if 1:") if j == 0 else ("else:",)))
                else:
                    if j == 0 and kw == "elif":
                        self.src.blank(pos[0], pos[1], pos[0], pos[1] + 4, inline=True)
                        self.src.put(*pos, "if")
                    self._simplify(test)
                self._block(body)
        return "leaves" if single and isinstance(clauses[kept[0]][3][-1], (ast.Return, ast.Raise)) else ""

    # expressions
    def _mentions(self, node) -> bool:
        return any(self._value(n) is not None for n in ast.walk(node)
                   if isinstance(n, (ast.Name, ast.Attribute)))

    def _expr(self, node) -> None:
        """Rewrite an expression so that no variant constant is read in it."""
        if not self._mentions(node):
            return
        v = self._value(node)
        if v is not None:
            (l1, c1), (l2, c2) = self._start(node), self._end(node)
            self.src.blank(l1, c1, l2, c2, inline=True)
            self.src.put(l1, c1, str(v))
        elif isinstance(node, ast.IfExp) and self._value(node.test) is not None:
            taken = node.body if self._value(node.test) else node.orelse
            self.src.blank(*self._start(node), *self._start(taken), inline=True)
            self.src.blank(*self._end(taken), *self._end(node), inline=True)
            self._expr(taken)
        elif isinstance(node, (ast.BoolOp, ast.UnaryOp)):
            self._simplify(node)
        else:
            for child in ast.iter_child_nodes(node):
                self._visit(child)

    def _simplify(self, node) -> None:
        """Drop the operands the variant decides from an `and` / `or` whose value stays open."""
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            self._simplify(node.operand)
            return
        if not isinstance(node, ast.BoolOp):
            self._expr(node)
            return
        values = node.values
        keep = [i for i, v in enumerate(values) if self._value(v) is None]
        spans = []
        if keep[0] > 0:
            spans.append((*self._start(values[0]), *self._start(values[keep[0]])))
        for a, b in zip(keep, keep[1:]):
            if b > a + 1:
                spans.append((*self._end(values[a]), *self._end(values[b - 1])))
        if keep[-1] < len(values) - 1:
            spans.append((*self._end(values[keep[-1]]), *self._end(values[-1])))
        for span in spans:
            self.src.blank(*span, inline=True)
        for i in keep:
            self._simplify(values[i])


# --- JavaScript, Go, Java ---------------------------------------------------------------------


def mask(text: str, lang: str) -> str:
    """text with the contents of strings, comments (and JS regex literals) replaced by spaces,
    newlines kept: what is left is code, safe to match braces and keywords in."""
    out = list(text)
    n, i = len(text), 0
    templates: list[int] = []  # JS: brace depth at each open `${`
    depth, last = 0, "("  # last significant code character or word (JS regex heuristic)

    def blank(a: int, b: int) -> None:
        for k in range(a, min(b, n)):
            if out[k] != "\n":
                out[k] = " "

    def skip_quoted(j: int, quote: str, multiline: bool) -> int:
        while j < n and text[j] != quote and (multiline or text[j] != "\n"):
            j += 2 if text[j] == "\\" and not (lang == "go" and quote == "`") else 1
        return j

    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            blank(i, j)
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            blank(i, j)
            i = j
        elif lang == "java" and text.startswith('"""', i):
            j = text.find('"""', i + 3)
            j = n if j < 0 else j
            blank(i + 3, j)
            i, last = j + 3, "a"
        elif c in "\"'" or (c == "`" and lang == "go"):
            j = skip_quoted(i + 1, c, c == "`")
            blank(i + 1, j)
            i, last = j + 1, "a"
        elif c == "`" and lang == "js" or (c == "}" and templates and templates[-1] == depth):
            if c == "}":
                templates.pop()
            j = i + 1  # template text up to its end or the next `${`
            while j < n and text[j] != "`" and not text.startswith("${", j):
                j += 2 if text[j] == "\\" else 1
            blank(i + 1, j)
            if text.startswith("${", j):
                templates.append(depth)
                i = j + 2
            else:
                i, last = j + 1, "a"
        elif c == "/" and lang == "js" and (last in "(,=:[!&|?{};+-*%<>~^" or last in
                                            ("return", "typeof", "case", "in", "of", "new", "throw", "else")):
            j, klass = i + 1, False
            while j < n and text[j] != "\n" and (klass or text[j] != "/"):
                klass = (klass or text[j] == "[") and text[j] != "]"
                j += 2 if text[j] == "\\" else 1
            blank(i + 1, j)
            i, last = j + 1, "a"
        else:
            if c == "{":
                depth += 1
            elif c == "}":
                depth -= 1
            if c.isalnum() or c in "_$":
                j = i
                while j < n and (text[j].isalnum() or text[j] in "_$"):
                    j += 1
                last, i = text[i:j], j
                continue
            if not c.isspace():
                last = c
            i += 1
    return "".join(out)


class _CLike:
    """Specialises one JavaScript, Go or Java file: `if (CONST) {...} else {...}` by brace matching."""

    IF = re.compile(r"(?<![\w$.])if\b")

    def __init__(self, text: str, lang: str, variant: str):
        self.original, self.lang, self.variant = text, lang, variant
        self.text, self.code = list(text), list(mask(text, lang))
        self.balance = self.code.count("{") - self.code.count("}")

    def run(self) -> str:
        pos = 0
        while m := self.IF.search("".join(self.code), pos):
            self._if(m.start())
            pos = m.start() + 2
        if self.code.count("{") - self.code.count("}") != self.balance:
            raise VariantError("unbalanced braces after specialising")
        old = self.original.split("\n")
        new = "".join(self.text).split("\n")
        return "\n".join(line.rstrip() if line != was else line for line, was in zip(new, old))

    def _move_brace(self, brace: int, to: int) -> int:
        """Move the `{` at brace back to `to` (blanked) when both are on one line; its position."""
        if "\n" in self.code[to:brace]:
            return brace
        self.text[to], self.code[to] = "{", "{"
        self.text[brace] = self.code[brace] = " "
        return to

    def _blank(self, a: int, b: int) -> None:
        for k in range(a, b):
            if self.text[k] != "\n":
                self.text[k] = self.code[k] = " "

    def _skip_ws(self, i: int) -> int:
        while i < len(self.code) and self.code[i].isspace():
            i += 1
        return i

    def _match(self, i: int) -> int:
        """Index of the bracket closing the one at i."""
        opener = self.code[i]
        closer = {"(": ")", "{": "}", "[": "]"}[opener]
        depth = 0
        for k in range(i, len(self.code)):
            if self.code[k] == opener:
                depth += 1
            elif self.code[k] == closer:
                depth -= 1
                if depth == 0:
                    return k
        raise VariantError(f"no closing {closer} for the one at offset {i}")

    def _parse_if(self, start: int):
        """(condition, then-block open, then-block close, else position or None, statement end)
        of the if statement at start, or None when it has no braced block."""
        i = self._skip_ws(start + 2)
        if self.lang == "go":
            j = i
            while self.code[j] != "{":
                j = self._match(j) + 1 if self.code[j] in "([" else j + 1
            cond, open_ = "".join(self.code[i:j]), j
        else:
            if self.code[i] != "(":
                return None
            close = self._match(i)
            cond, open_ = "".join(self.code[i + 1:close]), self._skip_ws(close + 1)
        if self.code[open_] != "{":
            return None
        close = self._match(open_)
        k = self._skip_ws(close + 1)
        if "".join(self.code[k:k + 4]) == "else" and not re.match(r"[\w$]", "".join(self.code[k + 4:k + 5])):
            b = self._skip_ws(k + 4)
            if self.code[b] == "{":
                return cond, open_, close, k, self._match(b) + 1
            nested = self._parse_if(b) if self.IF.match("".join(self.code[b:b + 3])) else None
            return cond, open_, close, k, (nested[4] if nested else None)
        return cond, open_, close, None, close + 1

    @staticmethod
    def _split(cond: str, op: str) -> list[str]:
        """cond cut at the `op`s outside brackets."""
        parts, depth, last = [], 0, 0
        for k, ch in enumerate(cond):
            if depth == 0 and cond.startswith(op, k):
                parts.append(cond[last:k])
                last = k + len(op)
            depth += (ch in "([{") - (ch in ")]}")
        return [*parts, cond[last:]]

    def _value(self, cond: str) -> bool | None:
        """The truth of a condition the variant constant decides (`fixed`, `!fixed`, `(fixed)`,
        `fixed && x` where fixed is false, `x || fixed` where it is true, ...), else None."""
        cond = cond.strip()
        if cond.startswith("(") and self._split(cond[1:], ")")[0] == cond[1:-1]:
            return self._value(cond[1:-1])  # one pair of brackets around all of it
        for op, decisive in (("||", True), ("&&", False)):
            parts = self._split(cond, op)
            if len(parts) > 1:
                vals = [self._value(p) for p in parts]
                if decisive in vals:
                    return decisive
                return None if None in vals else not decisive
        if cond.startswith("!") and not cond.startswith("!="):
            v = self._value(cond[1:])
            return None if v is None else not v
        return self.variant == C_CONSTANTS[cond] if cond in C_CONSTANTS else None

    def _ends(self, open_: int, close: int) -> bool:
        """Whether the block's last statement is a return or a throw."""
        flat, depth = [], 0
        for ch in self.code[open_ + 1:close]:
            depth += ch in "({["
            if depth == 0:
                flat.append(ch)
            depth -= ch in ")}]"
        pieces = [p.strip() for p in re.split(r"[;\n]", "".join(flat)) if p.strip()]
        return bool(pieces) and re.match(r"(return|throw)\b", pieces[-1]) is not None

    def _enclosing_close(self, i: int) -> int | None:
        depth = 0
        for k in range(i, len(self.code)):
            depth += self.code[k] == "{"
            depth -= self.code[k] == "}"
            if depth < 0:
                return k
        return None

    def _if(self, start: int) -> None:
        parsed = self._parse_if(start)
        if parsed is None:
            return
        cond, open_, close, else_at, end = parsed
        v = self._value(cond)
        if v is None or end is None:
            return
        before = "".join(self.code[:start]).rstrip()
        after_else = before.endswith("else") and not re.search(r"[\w$]else$", before)
        if v:
            self._blank(start, open_)
            self._blank(close + 1, end)
            kept = (self._move_brace(open_, start), close)
        else:
            body = self._skip_ws(else_at + 4) if else_at is not None else end
            self._blank(start, body)
            if else_at is None and after_else:
                self._blank(len(before) - 4, len(before))
            kept = None
            if else_at is not None and self.code[body] == "{":
                kept = (self._move_brace(body, close), end - 1)
        if kept and not after_else and self._ends(*kept):
            stop = self._enclosing_close(end)
            if stop is not None:
                self._blank(end, stop)
