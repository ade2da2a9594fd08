#!/usr/bin/env python3
"""`rampart mcp` driven end to end by a real MCP client, the official Python
SDK (PyPI `mcp`): it starts `rampart mcp --db <tmp>` over stdio, lists the
tools, calls every one of them (review_session_code on the seeds' own code
blocks and a lab target's source), and scans the lab target flask-crdb
(vulnerable; Flask + Flask-Session on PostgreSQL) through scan_api, checking
the findings against the lab manifest and reading the scan back with get_scan,
list_scans and explain_finding. Then `rampart mcp --http 127.0.0.1:0` serves
the same tools and history over streamable HTTP.

Usage: tests/mcp/run   (after tests/mcp/setup and lab/setup)
RAMPART=path/to/rampart (default target/release/rampart).
"""

import asyncio
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.client.streamable_http import streamablehttp_client

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(REPO / "lab" / "lib"))
import labctl  # noqa: E402

TARGET, VARIANT = "flask-crdb", "vulnerable"
TOOLS = {"scan_api", "get_scan", "list_scans", "list_rules", "explain_finding", "review_session_code"}
SEEDS = REPO / "crates" / "review" / "tests" / "fixtures" / "seeds"
CALL_TIMEOUT = timedelta(seconds=60)
SCAN_TIMEOUT = timedelta(seconds=400)
RESULTS = []


def check(name, ok, detail=""):
    RESULTS.append(bool(ok))
    print(f"{'PASS' if ok else 'FAIL'} {name}{'' if ok or not detail else ': ' + str(detail)[:300]}", flush=True)


def text(result):
    return "\n".join(c.text for c in result.content if getattr(c, "type", "") == "text")


async def call(session, tool, args, timeout=CALL_TIMEOUT):
    return await session.call_tool(tool, args, read_timeout_seconds=timeout)


async def tools_and_rules(session):
    tools = {t.name: t for t in (await session.list_tools()).tools}
    check("list_tools: the six tools", set(tools) == TOOLS, sorted(tools))
    schemas_ok = all(t.inputSchema.get("type") == "object" and t.description for t in tools.values())
    check("list_tools: every tool has a description and an object input schema", schemas_ok)
    required = {name: set(t.inputSchema.get("required", [])) for name, t in tools.items()}
    check("scan_api requires url, get_scan requires id",
          required.get("scan_api") == {"url"} and required.get("get_scan") == {"id"}, required)
    scan_props = set(tools["scan_api"].inputSchema.get("properties", {})) if "scan_api" in tools else set()
    check("scan_api takes url, flow, login, password_env, spec, checks, headers, max_duration_secs",
          {"url", "flow", "login", "password_env", "spec", "checks", "headers", "max_duration_secs"} <= scan_props,
          scan_props)

    rules = await call(session, "list_rules", {})
    listed = {r["id"]: r for r in (rules.structuredContent or {}).get("rules", [])}
    check("list_rules: SESS-001 with CWE-384 and OWASP API2:2023",
          not rules.isError and listed.get("SESS-001", {}).get("cwe") == [384]
          and listed["SESS-001"].get("owasp") == "API2:2023", text(rules)[:200])
    check("list_rules: text names every structured rule", all(rid in text(rules) for rid in listed))
    session_rules = await call(session, "list_rules", {"category": "session"})
    ids = [r["id"] for r in (session_rules.structuredContent or {}).get("rules", [])]
    check("list_rules(category=session): only SESS rules", ids and all(i.startswith("SESS-") for i in ids), ids)
    bad = await call(session, "list_rules", {"category": "no-such-category"})
    check("list_rules(unknown category): isError with the known ones", bad.isError and "session" in text(bad),
          text(bad))


async def failures(session):
    port = labctl.free_port()
    down = await call(session, "scan_api", {"url": f"http://127.0.0.1:{port}", "max_duration_secs": 30})
    cause = text(down)
    check("scan_api(unreachable URL): isError with a one-line cause",
          down.isError and "\n" not in cause.strip() and ("connect" in cause or "refused" in cause), cause)
    header = await call(session, "scan_api", {"url": "http://127.0.0.1:1", "headers": ["no colon here"]})
    check("scan_api(bad header): isError naming the argument", header.isError and "headers" in text(header),
          text(header))
    flow = await call(session, "scan_api", {"url": "http://127.0.0.1:1", "flow": "/nonexistent/flow.toml"})
    check("scan_api(missing flow file): isError naming the file", flow.isError and "flow.toml" in text(flow),
          text(flow))
    missing = await call(session, "get_scan", {"id": "ffffffffffff"})
    check("get_scan(unknown id): isError", missing.isError and "no scan" in text(missing), text(missing))
    nothing = await call(session, "explain_finding", {})
    check("explain_finding(no arguments): isError", nothing.isError, text(nothing))


async def scan_lab(session, url, password):
    """scan_api against the lab target; returns (scan id, structured findings)."""
    entry = next(e for e in labctl.load_manifest() if e["name"] == TARGET and e["variant"] == VARIANT)
    args = {"url": url, "flow": str(labctl.LAB / entry["flow"]), "checks": ["session"], "max_duration_secs": 300}
    result = await call(session, "scan_api", args, SCAN_TIMEOUT)
    data = result.structuredContent or {}
    check("scan_api(lab target): a result, not an error", not result.isError, text(result)[:300])
    scan_id = data.get("id", "")
    check("scan_api: a 12-hex scan id, also in the text", re.fullmatch(r"[0-9a-f]{12}", scan_id)
          and scan_id in text(result), scan_id)
    check("scan_api: score 0-100 and grade A-F",
          isinstance(data.get("overall"), int) and 0 <= data["overall"] <= 100
          and data.get("letterGrade") in list("ABCDF"), {k: data.get(k) for k in ("overall", "letterGrade")})
    findings = data.get("findings", [])
    fired = {f.get("ruleId") for f in findings}
    check("scan_api: SESS-001 (session fixation) among the findings", "SESS-001" in fired, sorted(fired))
    missing = set(entry["expect"]) - fired
    check(f"scan_api: every rule the manifest expects for {TARGET} {VARIANT}", not missing, f"missing {sorted(missing)}")
    complete = all({"id", "ruleId", "severity", "confidence", "title", "endpoint"} <= set(f) for f in findings)
    check("scan_api: each finding has id, ruleId, severity, confidence, title, endpoint", findings and complete)
    check("scan_api: the summary text lists the findings", all(r in text(result) for r in fired))
    check("scan_api: the password appears nowhere", password not in json.dumps(data) + text(result))
    return scan_id, findings


async def scan_with_login(session, url, password):
    """scan_api with `login` only: the password stays in the server's environment."""
    entry = next(e for e in labctl.load_manifest() if e["name"] == TARGET and e["variant"] == VARIANT)
    args = {"url": url, "login": "alice", "password_env": "LAB_PASSWORD", "checks": ["session"],
            "max_duration_secs": 300}
    result = await call(session, "scan_api", args, SCAN_TIMEOUT)
    check("scan_api(login): a result, not an error", not result.isError, text(result)[:300])
    check("scan_api(login): the summary says how it logged in",
          "Session: Logged in as alice via POST /login" in text(result), text(result)[:600])
    fired = {f.get("ruleId") for f in (result.structuredContent or {}).get("findings", [])}
    missing = set(entry["expect"]) - {"SESS-005"} - fired
    check(f"scan_api(login): the rules the manifest expects for {TARGET} {VARIANT}", not missing,
          f"missing {sorted(missing)}")
    check("scan_api(login): the password appears nowhere", password not in json.dumps(result.structuredContent)
          + text(result))
    unset = await call(session, "scan_api", {"url": url, "login": "alice", "password_env": "NO_SUCH_PASSWORD_VAR"})
    check("scan_api(login, unset variable): isError naming the variable",
          unset.isError and "NO_SUCH_PASSWORD_VAR" in text(unset), text(unset))


async def read_back(session, url, scan_id, findings):
    got = await call(session, "get_scan", {"id": scan_id})
    report = got.structuredContent or {}
    pairs = sorted((f["id"], f["ruleId"]) for f in report.get("findings", []))
    check("get_scan: the rampart.report/v1 report", not got.isError and report.get("schema") == "rampart.report/v1",
          text(got)[:200])
    check("get_scan: the same findings as scan_api", pairs == sorted((f["id"], f["ruleId"]) for f in findings), pairs)
    check("get_scan: findings carry evidence and curl lines",
          all(f.get("evidence") and f.get("curl") for f in report.get("findings", [])))
    by_prefix = await call(session, "get_scan", {"id": scan_id[:6]})
    check("get_scan(id prefix): the same scan", (by_prefix.structuredContent or {}).get("findings") == report.get("findings"))

    listed = await call(session, "list_scans", {"target": url})
    scans = (listed.structuredContent or {}).get("scans", [])
    check("list_scans(target): this scan, with its finding count",
          len(scans) == 1 and scans[0].get("id") == scan_id and scans[0].get("findings") == len(findings), scans)
    check("list_scans: the text shows the id", scan_id in text(listed), text(listed))
    everything = await call(session, "list_scans", {"limit": 50})
    check("list_scans: newest first", ((everything.structuredContent or {}).get("scans") or [{}])[0].get("id") == scan_id)


async def explain(session, scan_id, findings, password):
    fixation = next((f for f in findings if f["ruleId"] == "SESS-001"), None)
    if fixation is None:
        check("explain_finding: a SESS-001 finding to explain", False)
        return
    result = await call(session, "explain_finding", {"scan_id": scan_id, "finding_id": fixation["id"]})
    body, data = text(result), (result.structuredContent or {})
    finding = data.get("finding", {})
    check("explain_finding(scan_id, finding_id): rule, CWE, OWASP, fix",
          not result.isError and all(s in body for s in ("SESS-001", "CWE-384", "API2:2023", "Fix:")), body[:300])
    evidence = finding.get("evidence", [])
    check("explain_finding: one line per evidence exchange with its status",
          evidence and all(f"→ {e['status']}" in body for e in evidence)
          and all(isinstance(e.get("status"), int) for e in evidence), evidence)
    check("explain_finding: a curl line per exchange", len(finding.get("curl", [])) == len(evidence)
          and body.count("curl -sS") == len(evidence))
    check("explain_finding: the password appears nowhere", password not in body + json.dumps(data))
    by_rule = await call(session, "explain_finding", {"scan_id": scan_id, "rule_id": "SESS-001"})
    check("explain_finding(scan_id, rule_id): the same finding",
          (by_rule.structuredContent or {}).get("finding", {}).get("id") == fixation["id"])
    rule = await call(session, "explain_finding", {"rule_id": "sess-001"})
    check("explain_finding(rule_id): the rule's summary and remediation",
          not rule.isError and (rule.structuredContent or {}).get("rule", {}).get("id") == "SESS-001"
          and "Fix:" in text(rule), text(rule)[:200])


async def review(session):
    """review_session_code on the seeds' own code blocks, on a lab target's source by path, and its refusals."""
    vulnerable = (SEEDS / "seed001-block1-fastapi-client-session-id.py").read_text()
    got = await call(session, "review_session_code", {"code": vulnerable, "language": "python",
                                                       "filename": "app/main.py"})
    findings = (got.structuredContent or {}).get("findings", [])
    pinned = sorted((f["ruleId"], f["startLine"]) for f in findings)
    check("review_session_code(seed 001's vulnerable block): SESS-002 at line 25, cookie flags at 29",
          not got.isError and pinned == [("SESS-002", 25), ("SESS-007", 29), ("SESS-008", 29)],
          pinned or text(got)[:300])
    adoption = next((f for f in findings if f["ruleId"] == "SESS-002"), {})
    check("review_session_code: the FastAPI fix, the proving scan and the file name",
          "secrets.token_urlsafe" in adoption.get("fix", "") and "rampart scan" in adoption.get("prove", "")
          and adoption.get("file") == "app/main.py" and "SESS-002 app/main.py:25" in text(got), adoption)
    fixed = (SEEDS / "seed001-block2-fastapi-server-generated-id.py").read_text()
    clean = await call(session, "review_session_code", {"code": fixed, "filename": "main.py"})
    check("review_session_code(seed 001's remediation): no findings",
          not clean.isError and (clean.structuredContent or {}).get("findings") == [], text(clean)[:300])
    by_path = await call(session, "review_session_code", {"path": "lab/targets/go-crdb/main.go"})
    rules = sorted({f["ruleId"] for f in (by_path.structuredContent or {}).get("findings", [])})
    check("review_session_code(path, go-crdb): its vulnerable login keeps and adopts the client's token and binds "
          "it in place, its lookup ignores expiry",
          not by_path.isError and rules == ["SESS-001", "SESS-002", "SESS-014", "SESS-016"], rules or text(by_path)[:300])
    outside = await call(session, "review_session_code", {"path": "../../etc"})
    check("review_session_code(path outside the project): isError naming path",
          outside.isError and text(outside).startswith("path:"), text(outside))
    neither = await call(session, "review_session_code", {"language": "python"})
    check("review_session_code(no code, no path): isError", neither.isError, text(neither))


async def session_run(binary, db, url, password, errlog):
    env = {**os.environ, "LAB_PASSWORD": password}
    params = StdioServerParameters(command=binary, args=["mcp", "--db", db], env=env, cwd=str(REPO))
    async with stdio_client(params, errlog=errlog) as (read, write):
        async with ClientSession(read, write) as session:
            init = await session.initialize()
            check("initialize: server rampart", init.serverInfo.name == "rampart", init.serverInfo)
            await tools_and_rules(session)
            await review(session)
            await failures(session)
            scan_id, findings = await scan_lab(session, url, password)
            if scan_id:
                await read_back(session, url, scan_id, findings)
                await explain(session, scan_id, findings, password)
            await scan_with_login(session, url, password)


async def over_http(binary, db):
    """`rampart mcp --http 127.0.0.1:0`: the same tools over streamable HTTP; a public address is refused."""
    refused = subprocess.run([binary, "mcp", "--db", db, "--http", "0.0.0.0:0"], capture_output=True, text=True,
                             timeout=30, stdin=subprocess.DEVNULL)
    check("mcp --http 0.0.0.0: refused with exit 2", refused.returncode == 2 and "loopback" in refused.stderr,
          refused.stderr)
    server = subprocess.Popen([binary, "mcp", "--db", db, "--http", "127.0.0.1:0"], stdin=subprocess.DEVNULL,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        line = await asyncio.wait_for(asyncio.to_thread(server.stderr.readline), 30)
        url = re.search(r"http://127\.0\.0\.1:\d+/mcp", line)
        check("mcp --http: announces its URL on stderr", url, line)
        if url:
            async with streamablehttp_client(url.group(0)) as (read, write, _):
                async with ClientSession(read, write) as session:
                    await session.initialize()
                    tools = {t.name for t in (await session.list_tools()).tools}
                    check("mcp --http: the six tools", tools == TOOLS, sorted(tools))
                    scans = await call(session, "list_scans", {})
                    check("mcp --http: list_scans reads the same history (the flow and the login scans)",
                          len((scans.structuredContent or {}).get("scans", [])) == 2)
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def main():
    binary = os.environ.get("RAMPART", str(REPO / "target" / "release" / "rampart"))
    password = os.environ.get("LAB_PASSWORD") or labctl.DEFAULT_PASSWORD
    services_before = labctl.service_pids()
    pid = None
    try:
        try:
            pid, url = labctl.start_app(TARGET, VARIANT, labctl.free_port(), password=password)
        except Exception as e:  # LabError, or an OS error from a half-cleaned lab/.run
            check(f"lab target {TARGET} {VARIANT} started", False, f"{type(e).__name__}: {e}".splitlines()[0])
            return summary()
        with tempfile.TemporaryDirectory() as tmp, open(Path(tmp) / "stderr", "w+") as errlog:
            db = str(Path(tmp) / "history.db")
            try:
                asyncio.run(asyncio.wait_for(session_run(binary, db, url, password, errlog), 900))
                asyncio.run(asyncio.wait_for(over_http(binary, db), 120))
            except Exception as e:  # a broken session is a failure, reported like the others
                while isinstance(e, BaseExceptionGroup) and e.exceptions:
                    e = e.exceptions[0]
                check("MCP sessions ran to the end", False, f"{type(e).__name__}: {e}")
            errlog.seek(0)
            stderr = errlog.read()
            check("rampart mcp: its messages go to stderr", "serving on stdio" in stderr, stderr[-300:])
    finally:
        if pid:
            labctl.stop_app(pid)
        stop_services_since(services_before)
    return summary()


def stop_services_since(before):
    """Stop, by PID, the lab services (PostgreSQL, Firestore emulator) started since `before`."""
    for role, spid in labctl.service_pids().items():
        if before.get(role) != spid:
            if role == "postgres":
                labctl.stop_postgres()
            labctl.stop_pid(spid)
            labctl.forget_pid(spid)


def summary():
    passed = sum(RESULTS)
    print(f"{passed} passed, {len(RESULTS) - passed} failed")
    return 0 if RESULTS and all(RESULTS) else 1


if __name__ == "__main__":
    sys.exit(main())
