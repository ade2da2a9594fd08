"""django-crdb: Django with database sessions (PostgreSQL standing in for
CockroachDB), in one file. Seed 002.

    GET  /login    login form; the CSRF secret is kept in the session
                   (CSRF_USE_SESSIONS), so an anonymous session is issued here
    POST /login    form username, password, csrfmiddlewaretoken
    GET  /profile  "Signed in as alice" or 401
    POST /logout

Sessions use Django's db backend with the documented custom-model extension
(AbstractBaseSession) adding a user_id column, NULL until login (table lab_session).
session_key is widened to 64 characters in both variants.

LAB_VARIANT=vulnerable reproduces seed 002: the login view authenticates and stores
the user in the existing session by hand -- no login(), no cycle_key() -- so the
pre-login key stays valid; logout only deletes the cookie in the browser; cookie flags
off (no HttpOnly, no Secure, no SameSite) and Django's default two-week lifetime.
LAB_VARIANT=fixed: login() (which cycles the key), logout() (which flushes the
session), SESSION_COOKIE_SECURE/HTTPONLY/SAMESITE and a one-hour SESSION_COOKIE_AGE.
The fixed SessionStore persists lowercase SHA-256 hex of the session key as the
primary key (never the key the cookie carries) and finds rows by hashing the
presented key; exists/load/save/delete/cycle_key (and their async twins) all go
through the hash. Both variants: expire_date is NOT NULL and enforced on load.
"""
import hashlib
import os
import secrets
import sys
from urllib.parse import urlsplit

import django
from django.conf import settings

VARIANT = os.environ["LAB_VARIANT"]
assert VARIANT in ("vulnerable", "fixed"), VARIANT
FIXED = VARIANT == "fixed"
_db = urlsplit(os.environ["DATABASE_URL"])

settings.configure(
    DEBUG=False,
    SECRET_KEY=secrets.token_urlsafe(50),
    ALLOWED_HOSTS=["127.0.0.1", "localhost", "[::1]"],
    ROOT_URLCONF=__name__,
    INSTALLED_APPS=[
        "django.contrib.auth",
        "django.contrib.contenttypes",
        "django.contrib.sessions",
    ],
    MIDDLEWARE=[
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
    ],
    DATABASES={"default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": _db.path.lstrip("/"),
        "USER": _db.username or "postgres",
        "HOST": _db.hostname,
        "PORT": str(_db.port or 5432),
        "OPTIONS": {"connect_timeout": 10},
    }},
    DEFAULT_AUTO_FIELD="django.db.models.AutoField",
    USE_TZ=True,
    # Database sessions through the SessionStore defined in this module.
    SESSION_ENGINE=__name__,
    CSRF_USE_SESSIONS=True,
    LOGGING_CONFIG=None,
    **({
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_AGE": 3600,
    } if FIXED else {
        # "cookie flags off"; SESSION_COOKIE_AGE stays at Django's default (2 weeks).
        "SESSION_COOKIE_SECURE": False,
        "SESSION_COOKIE_HTTPONLY": False,
        "SESSION_COOKIE_SAMESITE": None,
    }),
)
django.setup()

from django.contrib.auth import (BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY,  # noqa: E402
                                 authenticate, get_user_model, login, logout)
from django.contrib.sessions.backends.db import SessionStore as DBStore  # noqa: E402
from django.contrib.sessions.base_session import AbstractBaseSession  # noqa: E402
from django.core.management import call_command, execute_from_command_line  # noqa: E402
from django.db import connection, models  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.middleware.csrf import get_token  # noqa: E402
from django.shortcuts import redirect  # noqa: E402
from django.urls import path  # noqa: E402
from django.utils import timezone  # noqa: E402
from django.utils.html import escape  # noqa: E402
from django.views.decorators.csrf import csrf_exempt  # noqa: E402
from django.views.decorators.http import require_http_methods, require_POST  # noqa: E402


class LabSession(AbstractBaseSession):
    """Django's documented custom session model: session_key, session_data,
    expire_date, plus user_id (NULL for anonymous sessions). session_key is widened
    from 40 to 64 characters so that it can hold a SHA-256 hex digest (fixed)."""
    session_key = models.CharField("session key", max_length=64, primary_key=True)
    user_id = models.IntegerField(null=True, db_index=True)

    class Meta:
        app_label = "sessions"
        db_table = "lab_session"

    @classmethod
    def get_session_store_class(cls):
        return SessionStore


def _user_id(data):
    try:
        return int(data.get(SESSION_KEY))
    except (TypeError, ValueError):
        return None


class PlainSessionStore(DBStore):
    """Vulnerable: Django's db store on LabSession; the row key is the cookie value."""

    @classmethod
    def get_model_class(cls):
        return LabSession

    def create_model_instance(self, data):
        obj = super().create_model_instance(data)
        obj.user_id = _user_id(data)
        return obj

    async def acreate_model_instance(self, data):
        obj = await super().acreate_model_instance(data)
        obj.user_id = _user_id(data)
        return obj


def _digest(session_key):
    return hashlib.sha256(session_key.encode("utf-8")).hexdigest()


class HashedSessionStore(PlainSessionStore):
    """Fixed: the store object keeps the real key in self.session_key (it is what the
    middleware puts in the cookie), but every database access uses _digest(key):
    the row written by save(), the row read by load(), the uniqueness test in
    exists() (used when create() picks a new key) and the row removed by delete().
    cycle_key() is create() + delete(old key), so it goes through the hash too;
    expire_date must still be in the future on every read."""

    def _row(self, session_key):
        return self.model.objects.filter(session_key=_digest(session_key))

    def _get_session_from_db(self):
        if self.session_key is None:
            return None
        try:
            return self._row(self.session_key).get(expire_date__gt=timezone.now())
        except self.model.DoesNotExist:
            self._session_key = None
            return None

    async def _aget_session_from_db(self):
        if self.session_key is None:
            return None
        try:
            return await self._row(self.session_key).aget(expire_date__gt=timezone.now())
        except self.model.DoesNotExist:
            self._session_key = None
            return None

    def exists(self, session_key):
        return self._row(session_key).exists()

    async def aexists(self, session_key):
        return await self._row(session_key).aexists()

    def create_model_instance(self, data):
        obj = super().create_model_instance(data)  # obj.session_key is the real key here
        obj.session_key = _digest(obj.session_key)
        return obj

    async def acreate_model_instance(self, data):
        obj = await super().acreate_model_instance(data)
        obj.session_key = _digest(obj.session_key)
        return obj

    def delete(self, session_key=None):
        key = self.session_key if session_key is None else session_key
        if key is not None:
            self._row(key).delete()

    async def adelete(self, session_key=None):
        key = self.session_key if session_key is None else session_key
        if key is not None:
            await self._row(key).adelete()


# SESSION_ENGINE is this module: Django's middleware imports SessionStore from here.
SessionStore = HashedSessionStore if FIXED else PlainSessionStore


def html(title, body, status=200):
    resp = HttpResponse(f"<!doctype html><html><head><title>{title}</title></head>"
                        f"<body>{body}</body></html>", status=status)
    resp["Cache-Control"] = "no-store"
    return resp


def index(request):
    return html("django-crdb", '<p>django-crdb lab target. <a href="/login">Sign in</a></p>')


@require_http_methods(["GET", "POST"])
def login_view(request):
    if request.method == "GET":
        token = get_token(request)  # stored in the session: the anonymous session starts here
        return html("Sign in", f"""
<form method="post" action="/login">
  <input type="hidden" name="csrfmiddlewaretoken" value="{token}">
  <input name="username" autocomplete="username">
  <input name="password" type="password" autocomplete="current-password">
  <button>Sign in</button>
</form>""")
    user = authenticate(request, username=request.POST.get("username", ""),
                        password=request.POST.get("password", ""))
    if user is None:
        return html("Sign in", "<p>Invalid credentials.</p>", 401)
    if FIXED:
        login(request, user)  # cycle_key() + rotate_token()
    else:
        # FLAW (seed 002): the user is written into the existing session; the session
        # key issued before login is never cycled.
        request.session[SESSION_KEY] = user._meta.pk.value_to_string(user)
        request.session[BACKEND_SESSION_KEY] = user.backend
        request.session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    return redirect("/profile")


def profile(request):
    if not request.user.is_authenticated:
        return html("Profile", "<p>Not signed in.</p>", 401)
    return html("Profile", f"<p>Signed in as {escape(request.user.get_username())}</p>")


@csrf_exempt  # the flow posts logout without a form; logging out is not state worth forging
@require_POST
def logout_view(request):
    response = html("Signed out", "<p>Signed out.</p>")
    if FIXED:
        logout(request)  # flushes: the row is deleted and the cookie cleared
    else:
        # FLAW: only the browser forgets the key; the server-side session stays valid.
        response.delete_cookie(settings.SESSION_COOKIE_NAME)
    return response


urlpatterns = [
    path("", index),
    path("login", login_view),
    path("profile", profile),
    path("logout", logout_view),
]


def prepare_database():
    call_command("migrate", verbosity=0, interactive=False)
    if LabSession._meta.db_table not in connection.introspection.table_names():
        with connection.schema_editor() as editor:
            editor.create_model(LabSession)
    User = get_user_model()
    alice, _ = User.objects.get_or_create(username="alice")
    alice.set_password(os.environ.get("LAB_PASSWORD", "wonderland-7"))
    alice.save()


if __name__ == "__main__":
    prepare_database()
    port = os.environ.get("PORT", "8080")
    execute_from_command_line([sys.argv[0], "runserver", f"127.0.0.1:{port}", "--noreload"])
