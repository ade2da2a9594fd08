"""Settings of djrest-cookie. LAB_VARIANT=vulnerable|fixed.

dj-rest-auth with USE_JWT and JWT_AUTH_HTTPONLY: the login answers the access token in the JSON
body and sets the refresh token as the HttpOnly cookie `refresh-token` (no access-token cookie:
JWT_AUTH_COOKIE None, so the access token travels only as `Authorization: Bearer`). simplejwt
rotates refresh tokens (ROTATE_REFRESH_TOKENS) in both variants: every refresh answers a new
refresh-token cookie.

The variants differ in whether simplejwt's blacklist app is installed (the flaws are settings,
FLAW/FIX SESS-020 and SESS-021 below) and in the fixed variant's session binding of access
tokens (sessions.py, FIX SESS-004). Everything else, hardening included, is shared.
"""
import os
from datetime import timedelta
from pathlib import Path
import secrets

VARIANT = os.environ.get("LAB_VARIANT", "vulnerable")
if VARIANT not in ("vulnerable", "fixed"):
    raise SystemExit(f"LAB_VARIANT {VARIANT}: vulnerable or fixed")
FIXED = VARIANT == "fixed"

SECRET_KEY = secrets.token_urlsafe(50)  # new on every start; simplejwt signs with it (HS256)
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
ROOT_URLCONF = "api.urls"
INSTALLED_APPS = ["django.contrib.auth", "django.contrib.contenttypes", "rest_framework", "dj_rest_auth", "api"]
if FIXED:
    # FIX SESS-020, FIX SESS-021: simplejwt's blacklist app. With it, BLACKLIST_AFTER_ROTATION
    # (below) blacklists every refresh token the moment it is used (a used one is refused), and
    # dj-rest-auth's LogoutView blacklists the refresh token it reads from the refresh-token cookie
    # (JWT_AUTH_HTTPONLY mode: request.COOKIES[JWT_AUTH_REFRESH_COOKIE]).
    INSTALLED_APPS.append("rest_framework_simplejwt.token_blacklist")
# FLAW SESS-020, FLAW SESS-021 (vulnerable): the blacklist app is not installed. simplejwt's
# BLACKLIST_AFTER_ROTATION = True below then does nothing, silently (RefreshToken has no blacklist()
# and TokenRefreshSerializer swallows the AttributeError): a rotated-away refresh token refreshes
# again. dj-rest-auth's logout can only delete the cookie in the browser (it answers "Neither cookies
# or blacklist are enabled, so the token has not been deleted server side."): the refresh token
# from before the logout still refreshes.

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",  # nosniff, Referrer-Policy
    "django.middleware.clickjacking.XFrameOptionsMiddleware",  # X-Frame-Options: DENY
    "api.middleware.harden",  # HSTS (also over plain HTTP), CSP, Cache-Control: no-store, Pragma
]
SECURE_REFERRER_POLICY = "no-referrer"
X_FRAME_OPTIONS = "DENY"

DATABASES = {"default": {
    "ENGINE": "django.db.backends.sqlite3",
    # a fresh temporary directory per start (app.py), so every start begins with an empty database
    "NAME": str(Path(os.environ.get("LAB_DATA_DIR", ".")) / "db.sqlite3"),
    # concurrent requests (one thread each): wait for the write lock instead of failing
    "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"},
}}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
USE_TZ = True
TIME_ZONE = "UTC"
# Django's scrypt hasher with its defaults (N=2**14, r=8, p=5: about 0.3 s a login here, PBKDF2's
# default about 0.5 s); authenticate() runs it for an unknown name too, and dj-rest-auth answers one
# 400 for both failures.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.ScryptPasswordHasher"]

REST_FRAMEWORK = {
    # dj-rest-auth's JWTCookieAuthentication reads the Authorization header (JWT_AUTH_COOKIE is None,
    # so no access-token cookie); the fixed variant's subclass also requires the token's session to
    # be live (FIX SESS-004, sessions.py)
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.sessions.LiveSessionJWTAuthentication" if FIXED else "dj_rest_auth.jwt_auth.JWTCookieAuthentication",
    ],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
}

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=15),
    "REFRESH_TOKEN_LIFETIME": timedelta(hours=8),
    "ROTATE_REFRESH_TOKENS": True,  # both variants: every refresh answers a new refresh token
    "BLACKLIST_AFTER_ROTATION": True,  # both variants; acts only where the blacklist app is installed
    "UPDATE_LAST_LOGIN": False,
    "ALGORITHM": "HS256",
    "AUTH_HEADER_TYPES": ("Bearer",),
}

REST_AUTH = {
    "USE_JWT": True,
    "SESSION_LOGIN": False,  # no Django session (no sessionid cookie): the JWTs are the session
    "TOKEN_MODEL": None,  # no DRF authtoken table
    "JWT_AUTH_COOKIE": None,  # the access token only in the body (and the Authorization header)
    "JWT_AUTH_REFRESH_COOKIE": "refresh-token",
    "JWT_AUTH_REFRESH_COOKIE_PATH": "/",  # sent to the logout too, which blacklists it (fixed)
    "JWT_AUTH_HTTPONLY": True,  # the refresh token only in the cookie: the body's "refresh" is ""
    "JWT_AUTH_SECURE": True,  # both variants (Secure is written over plain http too)
    "JWT_AUTH_SAMESITE": "Lax",
}
if FIXED:
    # FIX SESS-004: every login starts a session (a LoginSession row); its id is the claim "sid" of
    # the refresh token and of every access token made from it (simplejwt copies the claims)
    REST_AUTH["JWT_TOKEN_CLAIMS_SERIALIZER"] = "api.sessions.SessionTokenObtainPairSerializer"

LAB_PASSWORD = os.environ.get("LAB_PASSWORD") or "wonderland-7"
