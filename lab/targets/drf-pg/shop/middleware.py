"""Hardening shared by both variants, on every answer (debug pages included): HSTS,
CSP and Cache-Control, and an announced per-client rate limit."""
import math
import threading
import time

from django.conf import settings
from django.http import JsonResponse

WINDOW_S = 60


def harden(get_response):
    def middleware(request):
        response = get_response(request)
        response["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        response["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'none'"
        response.setdefault("Cache-Control", "no-store")
        return response
    return middleware


def rate_limit(get_response):
    windows: dict[str, tuple[float, int]] = {}  # client address -> (window start, requests)
    lock = threading.Lock()

    def middleware(request):
        now, client = time.monotonic(), request.META.get("REMOTE_ADDR", "")
        with lock:
            if len(windows) > 10_000:
                windows.clear()
            start, used = windows.get(client, (now, 0))
            if now - start >= WINDOW_S:
                start, used = now, 0
            windows[client] = (start, used + 1)
        used += 1
        reset = math.ceil(start + WINDOW_S - now)
        limited = used > settings.RATE_LIMIT
        response = JsonResponse({"detail": "Rate limit exceeded."}, status=429) if limited else get_response(request)
        response["X-RateLimit-Limit"] = str(settings.RATE_LIMIT)
        response["X-RateLimit-Remaining"] = str(max(0, settings.RATE_LIMIT - used))
        response["X-RateLimit-Reset"] = str(reset)
        if limited:
            response["Retry-After"] = str(reset)
        return response
    return middleware
