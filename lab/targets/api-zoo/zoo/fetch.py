"""Server-side URL fetching for the link previews: urllib, 3 s timeout, 1 MiB cap."""
from __future__ import annotations

import urllib.error
import urllib.request

TIMEOUT_S = 3.0
MAX_BYTES = 1 << 20


class FetchError(RuntimeError):
    pass


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        raise FetchError(f"redirect to {newurl} refused")


def fetch(url: str, follow_redirects: bool = True) -> tuple[int, str, bytes]:
    """(status, content type, body) of GET url; the body is cut at 1 MiB."""
    handlers = [urllib.request.ProxyHandler({})]  # fetch directly, whatever *_proxy says
    if not follow_redirects:
        handlers.append(_NoRedirect())
    opener = urllib.request.build_opener(*handlers)
    req = urllib.request.Request(url, headers={"User-Agent": "api-zoo-preview/1.0"})
    try:
        with opener.open(req, timeout=TIMEOUT_S) as r:
            return r.status, r.headers.get("Content-Type", "application/octet-stream"), r.read(MAX_BYTES)
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type", "application/octet-stream"), e.read(MAX_BYTES)
    except (urllib.error.URLError, OSError, ValueError) as e:
        raise FetchError(str(getattr(e, "reason", e))) from e
