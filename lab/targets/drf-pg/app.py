#!/usr/bin/env python3
"""drf-pg: a small shop API on Django REST framework and PostgreSQL, bearer-token logins.

    python app.py            serve on 127.0.0.1:$PORT under uvicorn (lab/up does this);
                             LAB_VARIANT=vulnerable|fixed, DATABASE_URL (a fresh database),
                             LAB_PASSWORD, LAB_TRAP_FILE (the trap's counter)
    python app.py --routes   print the API's routes as JSON [[METHOD, path], ...] (lab/verify
                             compares them with the variant's OpenAPI document)

The Django project is shop/: settings.py (DEBUG, the INV-006 flaw), views.py (the other
flaws), urls.py (the DefaultRouter API root under /api/v1/), seed.py (tables and data).
uvicorn serves it without a Server header (Django's runserver would announce
"WSGIServer/0.2 CPython/3.11").
"""
import json
import os
import re
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")

# A named group of a regex route (`(?P<sku>[^/.]+)`) or a converter (`<uuid:pk>`) -> `{name}`.
PARAM = re.compile(r"\(\?P<(\w+)>[^)]*\)|<(?:\w+:)?(\w+)>")


def routes() -> list[list[str]]:
    """(METHOD, path) of every DRF view under /api/ (format-suffix aliases left out)."""
    from django.urls import get_resolver

    out = []

    def walk(patterns, prefix):
        for p in patterns:
            own = PARAM.sub(lambda m: "{" + (m.group(1) or m.group(2)) + "}", str(p.pattern))
            text = prefix + own.lstrip("^").rstrip("$")
            if hasattr(p, "url_patterns"):
                walk(p.url_patterns, text)
                continue
            view = getattr(p.callback, "cls", None)
            if view is None or "{format}" in text or not text.startswith("api/"):
                continue
            actions = getattr(p.callback, "actions", None) or {
                m: m for m in view.http_method_names if m not in ("head", "options") and hasattr(view, m)}
            out.extend([m.upper(), "/" + text] for m in actions)

    walk(get_resolver().url_patterns, "")
    return sorted(out)


def main() -> None:
    django.setup()
    if "--routes" in sys.argv:
        print(json.dumps(routes()))
        return
    import uvicorn
    from django.core.asgi import get_asgi_application

    from shop import seed

    seed.prepare()
    uvicorn.run(get_asgi_application(), host="127.0.0.1", port=int(os.environ.get("PORT", "8080")),
                server_header=False, lifespan="off", log_level="info")


if __name__ == "__main__":
    main()
