"""The terminal summary as a person sees it: `rampart demo` in a real
terminal (tmux, 100 columns), captured with and without colour.

Checks that the summary opens with the grade and a count per severity that
match the JSON report, that rampart itself wraps descriptions and fixes on
word boundaries to the terminal's width, that severity headings and the
grade are coloured, and that NO_COLOR leaves no escape code. With
RAMPART_SCREENSHOT=1 the capture is also kept in docs/ (text, and a PNG
rendered in Chromium next to the HTML report's screenshot).
"""

import collections
import html
import os
import re
import shlex
import subprocess
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
WIDTH = 100
SEVERITIES = ["critical", "high", "medium", "low", "info"]
# tmux re-encodes what the program drew; these are the SGR codes rampart uses.
COLOURS = {"31": "#e05252", "32": "#4ec94e", "33": "#d6b13c", "36": "#4fb8c9", "2": "#8a8a8a"}


def run_in_tmux(tmp, name, command, env):
    """Run `command` in a fresh tmux terminal WIDTH columns wide; return the
    whole pane (wrapped lines joined) as plain text and with its escapes."""
    sock = str(tmp / "tmux.sock")
    done = tmp / f"{name}.done"
    exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
    script = f"env {exports} {command} 2>/dev/null; touch {shlex.quote(str(done))}; sleep 600"
    subprocess.run(["tmux", "-S", sock, "new-session", "-d", "-s", name, "-x", str(WIDTH), "-y", "40",
                    "sh", "-c", script], check=True, timeout=30)
    deadline = time.monotonic() + 150
    while not done.exists() and time.monotonic() < deadline:
        time.sleep(0.2)

    def capture(*flags):
        args = ["tmux", "-S", sock, "capture-pane", "-t", name, "-p", "-J", "-S", "-", "-E", "-", *flags]
        return subprocess.run(args, capture_output=True, text=True, timeout=30).stdout

    plain, ansi = capture(), capture("-e")
    subprocess.run(["tmux", "-S", sock, "kill-session", "-t", name], capture_output=True, timeout=30)
    return done.exists(), plain.rstrip() + "\n", ansi.rstrip() + "\n"


def expected_counts(findings):
    count = collections.Counter(f["severity"] for f in findings)
    return "Findings: " + ", ".join(f"{count[s]} {s}" for s in SEVERITIES)


def ansi_to_html(ansi):
    """The capture as a dark terminal page: rampart's SGR colours as spans."""
    out, open_span = [], False
    for part in re.split(r"(\x1b\[[0-9;]*m)", ansi):
        codes = re.fullmatch(r"\x1b\[([0-9;]*)m", part)
        if not codes:
            out.append(html.escape(part))
            continue
        if open_span:
            out.append("</span>")
            open_span = False
        params = [p for p in codes.group(1).split(";") if p]
        colour = next((COLOURS[p] for p in params if p in COLOURS), None)
        bold = "1" in params
        if colour or bold:
            style = (f"color:{colour};" if colour else "") + ("font-weight:bold;" if bold else "")
            out.append(f'<span style="{style}">')
            open_span = True
    if open_span:
        out.append("</span>")
    body = "".join(out)
    return ("<!DOCTYPE html><meta charset=utf-8><title>rampart demo</title>"
            "<body style=\"margin:0;background:#1e1e1e\"><pre style=\"margin:0;padding:16px;color:#d4d4d4;"
            "font:13px/1.35 'DejaVu Sans Mono',monospace;width:max-content\">" + body + "</pre></body>")


def keep_in_docs(c, tmp, plain, ansi):
    (ROOT / "docs/demo-terminal.txt").write_text(plain)
    page = tmp / "terminal.html"
    page.write_text(ansi_to_html(ansi))
    shot = ROOT / "docs/demo-terminal.png"
    proc = subprocess.run(["node", str(HERE / "terminal_shot.mjs"), str(page), str(shot)], cwd=HERE,
                          capture_output=True, text=True, timeout=120)
    size = shot.stat().st_size if shot.exists() else 0
    c.record("terminal: screenshot rendered in Chromium", proc.returncode == 0 and size > 10_000,
             (proc.stderr.strip()[-300:] or f"{shot}, {size} bytes"))


def terminal_checks(c, tmp, truth, _truth_fixed):
    binary = os.environ.get("RAMPART", str(ROOT / "target/release/rampart"))
    home = {"HOME": str(tmp), "TERM": "xterm-256color", "RAMPART_DB": str(tmp / "terminal-history.db")}
    finished, plain, ansi = run_in_tmux(tmp, "colour", shlex.quote(binary) + " demo", home)
    if not c.record("terminal: rampart demo ran to the end in tmux", finished and "Grade " in plain, plain[-300:]):
        return
    lines = plain.splitlines()
    grade = next((i for i, l in enumerate(lines) if l.startswith("  Grade ")), None)
    counts = lines[grade + 1].strip() if grade is not None and grade + 1 < len(lines) else ""
    c.record("terminal: the grade matches the JSON report",
             grade is not None and lines[grade].startswith(f"  Grade {truth.grade}   Score {truth.overall}/100"),
             lines[grade] if grade is not None else "no grade line")
    c.record("terminal: a count per severity under the grade", counts == expected_counts(truth.findings),
             f"shown {counts!r}, expected {expected_counts(truth.findings)!r}")
    wide = [l for l in lines if len(l) > WIDTH]
    c.record(f"terminal: no line passes {WIDTH} columns once wrapped lines are joined", not wide,
             wide[0][:160] if wide else f"{len(lines)} lines")
    body = [l for l in lines if l.startswith("      ")]
    c.record("terminal: rampart wraps descriptions and fixes itself",
             len(body) > 2 * len(truth.findings) and all(not l.endswith(" ") for l in body),
             f"{len(body)} indented lines for {len(truth.findings)} findings")
    heading = next((l for l in ansi.splitlines() if "CRITICAL (" in l or "HIGH (" in l), "")
    grade_ansi = next((l for l in ansi.splitlines() if "Grade " in l), "")
    c.record("terminal: severity headings and the grade are coloured",
             "\x1b[" in heading and "\x1b[" in grade_ansi, repr(heading[:80]))
    _, _, plain_ansi = run_in_tmux(tmp, "nocolour", shlex.quote(binary) + " demo", {**home, "NO_COLOR": "1"})
    c.record("terminal: NO_COLOR leaves no escape code", "Grade " in plain_ansi and "\x1b[" not in plain_ansi,
             repr(plain_ansi[:120]))
    if os.environ.get("RAMPART_SCREENSHOT") == "1":
        keep_in_docs(c, tmp, plain, ansi)

