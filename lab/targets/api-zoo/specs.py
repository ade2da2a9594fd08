#!/usr/bin/env python3
"""Regenerate (or check) api-zoo's API documents:

    vulnerable/openapi.json   app.openapi() of the vulnerable app (OpenAPI 3.1, also served live)
    fixed/openapi.json        app.openapi() of the fixed app (not served: scan it with --spec)
    swagger.json              the vulnerable API as Swagger 2.0: the same operations, converted

    lab/.venv/bin/python lab/targets/api-zoo/specs.py           write the three files
    lab/.venv/bin/python lab/targets/api-zoo/specs.py --check   exit 1 if any is out of date

Each app prints its document with `app.py --openapi`; the conversion to Swagger 2.0 is
below (standard library only).
"""
from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
VARIANTS = ("vulnerable", "fixed")
PARAM_KEYS = ("type", "format", "default", "enum", "minimum", "maximum", "maxLength", "minLength", "pattern")


def app_openapi(variant: str, python: str = sys.executable) -> dict:
    env = dict(os.environ, LAB_VARIANT=variant)
    out = subprocess.run([python, str(HERE / variant / "app.py"), "--openapi"], capture_output=True, text=True,
                         env=env, cwd=HERE / variant, timeout=120, check=True)
    return json.loads(out.stdout)


def schema2(s):
    """An OpenAPI 3.1 (JSON Schema 2020-12) schema as a Swagger 2.0 schema."""
    if isinstance(s, list):
        return [schema2(x) for x in s]
    if not isinstance(s, dict):
        return s
    s = copy.deepcopy(s)
    if "$ref" in s:
        return {"$ref": s["$ref"].replace("#/components/schemas/", "#/definitions/")}
    if "anyOf" in s:
        every = s.pop("anyOf")
        branches = [b for b in every if b.get("type") != "null"]
        nullable = len(branches) < len(every)
        merged = schema2(branches[0]) if len(branches) == 1 else {"type": "object"}
        if "$ref" in merged:
            merged = {"allOf": [merged]}
        s = {**merged, **s}
        if nullable:
            s["x-nullable"] = True
    if "examples" in s:
        examples = s.pop("examples")
        if isinstance(examples, list) and examples:
            s["example"] = examples[0]
    if "const" in s:
        s["enum"] = [s.pop("const")]
    for key in ("properties",):
        if key in s:
            s[key] = {k: schema2(v) for k, v in s[key].items()}
    for key in ("items", "additionalProperties"):
        if isinstance(s.get(key), dict):
            s[key] = schema2(s[key])
    if "allOf" in s:
        s["allOf"] = [schema2(x) for x in s["allOf"]]
    return s


def param2(p: dict) -> dict:
    schema = schema2(p.get("schema", {}))
    out = {"name": p["name"], "in": p["in"], "required": p.get("required", False)}
    if p.get("description") or schema.get("description"):
        out["description"] = p.get("description") or schema["description"]
    out.update({k: schema[k] for k in PARAM_KEYS if k in schema})
    out.setdefault("type", "string")
    if "example" in schema:
        out["x-example"] = schema["example"]
    return out


def response2(r: dict) -> tuple[dict, list[str]]:
    out = {"description": r.get("description", "")}
    content = r.get("content", {})
    schema = content.get("application/json", {}).get("schema")
    if schema:
        out["schema"] = schema2(schema)
    return out, list(content)


def to_swagger2(doc: dict) -> dict:
    out = {
        "swagger": "2.0",
        "info": doc["info"],
        "basePath": "/",
        "schemes": ["http"],
        "consumes": ["application/json"],
        "produces": ["application/json"],
        "securityDefinitions": {"HTTPBearer": {"type": "apiKey", "in": "header", "name": "Authorization",
                                               "description": "A JWT from /api/v2/auth/login, as `Bearer <token>`"}},
        "paths": {},
        "definitions": {k: schema2(v) for k, v in doc.get("components", {}).get("schemas", {}).items()},
    }
    for path, item in doc["paths"].items():
        ops = {}
        for method, op in item.items():
            o = {k: op[k] for k in ("tags", "summary", "description", "operationId", "deprecated", "security") if k in op}
            params = [param2(p) for p in op.get("parameters", [])]
            body = op.get("requestBody")
            if body:
                schema = body["content"]["application/json"]["schema"]
                params.append({"name": "body", "in": "body", "required": body.get("required", False),
                               "schema": schema2(schema)})
            if params:
                o["parameters"] = params
            o["responses"] = {}
            produces: list[str] = []
            for code, r in op["responses"].items():
                o["responses"][code], types = response2(r)
                produces += [t for t in types if t not in produces]
            if produces and produces != ["application/json"]:
                o["produces"] = produces
            ops[method] = o
        out["paths"][path] = ops
    return out


def documents() -> dict[Path, dict]:
    docs = {HERE / v / "openapi.json": app_openapi(v) for v in VARIANTS}
    docs[HERE / "swagger.json"] = to_swagger2(docs[HERE / "vulnerable" / "openapi.json"])
    return docs


def main() -> int:
    check = "--check" in sys.argv[1:]
    stale = []
    for path, doc in documents().items():
        text = json.dumps(doc, indent=2) + "\n"
        if check:
            if not path.exists() or json.loads(path.read_text()) != doc:
                stale.append(str(path.relative_to(HERE)))
        else:
            path.write_text(text)
            print(f"wrote {path.relative_to(HERE)}", file=sys.stderr)
    if stale:
        print("out of date: " + ", ".join(stale) + " (run specs.py to regenerate)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
