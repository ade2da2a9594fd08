"""Settings of the drf-pg shop. LAB_VARIANT=vulnerable|fixed; DEBUG is the only setting
that differs (FLAW/FIX INV-006). Everything else, hardening included, is shared."""
import os
import secrets
from datetime import timedelta
from urllib.parse import urlsplit

VARIANT = os.environ.get("LAB_VARIANT", "vulnerable")
if VARIANT not in ("vulnerable", "fixed"):
    raise SystemExit(f"LAB_VARIANT {VARIANT}: vulnerable or fixed")
VULNERABLE = VARIANT == "vulnerable"

# FLAW INV-006: DEBUG = True. A path that does not exist answers Django's technical 404 page,
# which lists every URL pattern of the project; an unhandled error answers the technical 500
# page (traceback, settings, the database's error text).
# FIX INV-006: DEBUG = False, and urls.py's handler404/handler500 answer plain JSON.
DEBUG = VULNERABLE

SECRET_KEY = secrets.token_urlsafe(50)
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
ROOT_URLCONF = "shop.urls"
INSTALLED_APPS = ["django.contrib.auth", "django.contrib.contenttypes", "rest_framework", "shop"]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",  # X-Content-Type-Options: nosniff
    "django.middleware.clickjacking.XFrameOptionsMiddleware",  # X-Frame-Options: DENY
    "shop.middleware.harden",  # HSTS (also over plain HTTP), CSP, Cache-Control
    "shop.middleware.rate_limit",  # X-RateLimit-* on every answer, 429 past the limit
    "django.middleware.common.CommonMiddleware",
]

_db = urlsplit(os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:55433/drf_pg"))
DATABASES = {"default": {
    "ENGINE": "django.db.backends.postgresql",
    "NAME": _db.path.lstrip("/"),
    "USER": _db.username or "postgres",
    "HOST": _db.hostname,
    "PORT": str(_db.port or 5432),
    # every statement bounded: the vulnerable queries run whatever SQL they are given
    "OPTIONS": {"connect_timeout": 10, "options": "-c statement_timeout=10000"},
}}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
USE_TZ = True
TIME_ZONE = "UTC"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["shop.auth.BearerTokenAuthentication"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 5,
}

TOKEN_TTL = timedelta(hours=1)
RATE_LIMIT = 10_000  # requests per client and minute: generous, but there and announced
LAB_PASSWORD = os.environ.get("LAB_PASSWORD") or "wonderland-7"
TRAP_FILE = os.environ.get("LAB_TRAP_FILE")
