"""Ground truth for INV-006, debug mode lists the API's routes (registered in
apiprobe.RULES). Standard library only, independent of rampart.

A GET of a path that does not exist, once at the root and once under the API's prefix
(the common prefix of the document's paths: Django lists the patterns of an include only
for paths inside it), must answer an ordinary 404. In debug mode some frameworks answer
with a page that lists every route instead; the framework's own words mark it:
  Django   technical 404: "Using the URLconf defined in" + "Django tried these URL patterns"
  Rails    routing error: "Routing Error" + "Routes match in priority from top to bottom"
  Phoenix  NoRouteError:  "NoRouteError" + "Available routes"
Spring Boot lists them in its actuator, GET /actuator/mappings ("dispatcherServlets").
Present needs the marker and, the control that the list is the application's own, a
literal segment of a documented path in it (`products` of /api/v1/products/); a page with
the marker but none of the API's routes is reported and not counted.
"""
from __future__ import annotations

import os
import re

from apictx import Zoo, rand_word, summary
from probe import ProbeError

NOT_FOUND_LISTINGS = [
    ("Django technical 404", ("Using the URLconf defined in", "Django tried these URL patterns")),
    ("Rails routing error", ("Routing Error", "Routes match in priority from top to bottom")),
    ("Phoenix NoRouteError", ("NoRouteError", "Available routes")),
]
ACTUATOR = "/actuator/mappings"
ACTUATOR_LISTING = [("Spring Boot actuator mappings", ('"dispatcherServlets"',))]
GENERIC_SEGMENT = re.compile(r"api|v\d+|\{.*\}")


def _segments(z: Zoo) -> set[str]:
    """Literal path segments of the documented operations, minus /api/ and /vN/."""
    return {s for o in z.spec.ops for s in o.path.split("/") if s and not GENERIC_SEGMENT.fullmatch(s)}


def _missing_paths(z: Zoo) -> list[str]:
    prefix = os.path.commonprefix([o.path for o in z.spec.ops]).rsplit("/", 1)[0]
    paths = [f"/rampart-{rand_word()}"]
    if prefix:
        paths.append(f"{prefix}/rampart-{rand_word()}")
    return paths


def _named(segment: str, text: str) -> bool:
    """`segment` as a component of a listed route: after a slash (`users/me/`,
    `/products(.:format)`, `[/api/products]`), or at a route's start before one
    (`^products/$`, `health/`); not the `me` of "Method" or of "show me"."""
    seg = re.escape(segment)
    return re.search(rf"/{seg}(?=[/(\].\\$\"\s<]|$)|(?:^|[\s^\[>\"]){seg}/", text) is not None


def _listing(text: str, candidates) -> str | None:
    return next((name for name, markers in candidates if all(m in text for m in markers)), None)


def _pages(z: Zoo) -> list[tuple[str, object, list]]:
    """(path, answer, the listings it may be): the missing paths (control: none answers
    2xx) and the actuator (a listing only when it answers 2xx)."""
    pages = []
    for path in _missing_paths(z):
        r = z.get(path)
        if r.ok:
            raise ProbeError(f"control: {path}, a path that does not exist, answers {r.status}")
        pages.append((path, r, NOT_FOUND_LISTINGS))
    r = z.get(ACTUATOR)
    return pages + [(ACTUATOR, r, ACTUATOR_LISTING if r.ok else [])]


def inv_006(z: Zoo):
    segments, hits, seen = _segments(z), [], []
    for path, r, candidates in _pages(z):
        framework = _listing(r.text, candidates)
        named = sorted(s for s in segments if _named(s, r.text)) if framework else []
        note = f"{path} -> {r.status}" + (f", {framework}" if framework else "")
        if named:
            hits.append(f"{note} listing the API's routes ({', '.join(named[:5])})")
        else:
            seen.append(note + (" without any of the API's routes" if framework else ""))
    return summary(hits, "; ".join(seen) + ": no route listing")
