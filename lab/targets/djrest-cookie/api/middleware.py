"""Hardening shared by both variants, on every answer (errors and token responses included):
HSTS, CSP, and no caching (the login and refresh answers carry tokens)."""


def harden(get_response):
    def middleware(request):
        response = get_response(request)
        response["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        response["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'none'"
        response["Cache-Control"] = "no-store"
        response["Pragma"] = "no-cache"
        return response
    return middleware
