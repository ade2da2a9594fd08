"""flask-firestore: Flask with a small server-side session interface that keeps one
Firestore document per session (collection "sessions", document id = the session
id carried by the cookie "fs_session"). Runs against the Firestore emulator. Seed 004.

    GET  /login    login form; writes the post-login target into the session, so an
                   anonymous session document (user_id null) is created here
    POST /login    form username, password
    GET  /profile  "Signed in as alice" or 401
    POST /logout

LAB_VARIANT=vulnerable reproduces seed 004: the same document id before and after
login. The interface also adopts any id it is handed (an unknown id becomes a new
document under that id), reads the id from ?sid= when no cookie is sent, and the
login redirect rewrites the id into the URL (/profile?sid=...) for cookie-less
clients. Cookie: Flask defaults (HttpOnly, no Secure, no SameSite, browser session).
The document id is the session id itself, and expires_at is written as the server's
timestamp at write time, as in seed 004 ("expires: SERVER_TIMESTAMP", TTL "set
separately") -- so every session document is already expired when written -- and it
is never checked: expired documents keep authenticating.
LAB_VARIANT=fixed: unknown or expired ids are never adopted; login regenerates the id,
writes a new document and deletes the old one; expiry (now + one hour on every
document, anonymous ones too) and ownership are checked; the document id is
lowercase SHA-256 hex of the session id, never the id itself; cookie HttpOnly +
Secure + SameSite=Lax, one hour.

Security rules are the project's, not the app's: lab/up installs
rules/<variant>.rules for the project through the emulator (vulnerable: sessions
readable and listable by anyone; fixed: nothing readable or writable without admin
credentials). The app talks to the emulator as its owner, which bypasses rules.
"""
import hashlib
import os
import secrets
from datetime import datetime, timedelta, timezone

from flask import Flask, redirect, request, session, url_for
from flask.sessions import SessionInterface, SessionMixin
from google.cloud import firestore
from markupsafe import escape
from werkzeug.datastructures import CallbackDict
from werkzeug.security import check_password_hash, generate_password_hash

VARIANT = os.environ["LAB_VARIANT"]
assert VARIANT in ("vulnerable", "fixed"), VARIANT
FIXED = VARIANT == "fixed"

app = Flask(__name__)
app.config.update(SESSION_COOKIE_NAME="fs_session")
if FIXED:
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SECURE=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=1),
    )

db = firestore.Client(project=os.environ["GOOGLE_CLOUD_PROJECT"])


class FirestoreSession(CallbackDict, SessionMixin):
    def __init__(self, initial=None, sid=None, new=False):
        def on_update(s):
            s.modified = True
        super().__init__(initial, on_update)
        self.sid = sid
        self.new = new
        self.old_sid = None  # set by regenerate(); deleted after the new document exists
        self.modified = False


class FirestoreSessionInterface(SessionInterface):
    """Session data lives in sessions/{sid}: {user_id, data, created_at, expires_at}."""

    def __init__(self, client, collection="sessions"):
        self.sessions = client.collection(collection)

    @staticmethod
    def new_sid():
        return secrets.token_urlsafe(32)

    def doc(self, sid):
        """The session's document: sessions/<sid> (vulnerable) or
        sessions/<sha256 hex of sid> (fixed)."""
        if FIXED:
            sid = hashlib.sha256(sid.encode("utf-8")).hexdigest()
        return self.sessions.document(sid)

    def open_session(self, app, request):
        sid = request.cookies.get(self.get_cookie_name(app))
        if not sid and not FIXED:
            sid = request.args.get("sid")  # FLAW: the session id is accepted from the URL
        if sid:
            snap = self.doc(sid).get()
            if snap.exists:
                doc = snap.to_dict()
                if not FIXED or doc["expires_at"] > datetime.now(timezone.utc):
                    return FirestoreSession(doc.get("data") or {}, sid=sid)
            elif not FIXED:
                # FLAW: an id nobody issued is adopted as this browser's session id.
                return FirestoreSession(sid=sid, new=True)
        return FirestoreSession(sid=self.new_sid(), new=True)

    def regenerate(self, session):
        session.old_sid = session.old_sid or session.sid
        session.sid = self.new_sid()
        session.modified = True

    def save_session(self, app, session, response):
        name = self.get_cookie_name(app)
        domain, path = self.get_cookie_domain(app), self.get_cookie_path(app)
        if not session:
            if session.modified:
                self.doc(session.sid).delete()
                response.delete_cookie(name, domain=domain, path=path,
                                       secure=self.get_cookie_secure(app),
                                       httponly=self.get_cookie_httponly(app),
                                       samesite=self.get_cookie_samesite(app))
            return
        if not session.modified:
            return
        if FIXED:
            now = datetime.now(timezone.utc)
            created, expires = now, now + app.permanent_session_lifetime
        else:
            # FLAW (seed 004): expiry "set separately" -- it is the write time, i.e.
            # already past, and nothing ever looks at it.
            created = expires = firestore.SERVER_TIMESTAMP
        self.doc(session.sid).set({
            "user_id": session.get("user_id"),
            "data": dict(session),
            "created_at": created,
            "expires_at": expires,
        })
        if session.old_sid and session.old_sid != session.sid:
            self.doc(session.old_sid).delete()
        response.set_cookie(name, session.sid,
                            expires=self.get_expiration_time(app, session),
                            httponly=self.get_cookie_httponly(app), domain=domain, path=path,
                            secure=self.get_cookie_secure(app),
                            samesite=self.get_cookie_samesite(app))


app.session_interface = FirestoreSessionInterface(db)

# the one user
db.collection("users").document("alice").set({
    "username": "alice",
    "password_hash": generate_password_hash(os.environ.get("LAB_PASSWORD", "wonderland-7")),
})


def page(title, body, status=200):
    return (f"<!doctype html><html><head><title>{title}</title></head><body>{body}</body></html>",
            status, {"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store"})


@app.get("/")
def index():
    return page("flask-firestore", '<p>flask-firestore lab target. <a href="/login">Sign in</a></p>')


@app.get("/login")
def login_form():
    session["next"] = "profile"
    return page("Sign in", """
<form method="post" action="/login">
  <input name="username" autocomplete="username">
  <input name="password" type="password" autocomplete="current-password">
  <button>Sign in</button>
</form>""")


@app.post("/login")
def login():
    username = request.form.get("username", "")
    user = db.collection("users").document(username).get() if username else None
    if not (user and user.exists and
            check_password_hash(user.get("password_hash"), request.form.get("password", ""))):
        return page("Sign in", "<p>Invalid credentials.</p>", 401)
    if FIXED:
        session.clear()
        session.permanent = True
        session["user_id"] = user.id
        # new id -> new document written, then the old document deleted (save_session)
        app.session_interface.regenerate(session)
        return redirect(url_for("profile"), code=303)
    # FLAW (seed 004): same document id before and after login.
    session["user_id"] = user.id
    # FLAW: URL rewriting for cookie-less clients puts the session id in the URL.
    return redirect(url_for("profile", sid=session.sid), code=303)


@app.get("/profile")
def profile():
    user_id = session.get("user_id")
    if not user_id:
        return page("Profile", "<p>Not signed in.</p>", 401)
    user = db.collection("users").document(user_id).get()
    if not user.exists:
        return page("Profile", "<p>Not signed in.</p>", 401)
    if FIXED:
        # ownership: the session document must belong to the user it names
        owner = app.session_interface.doc(session.sid).get()
        if not (owner.exists and owner.get("user_id") == user.id):
            return page("Profile", "<p>Not signed in.</p>", 401)
    return page("Profile", f"<p>Signed in as {escape(user.get('username'))}</p>")


@app.post("/logout")
def logout():
    session.clear()  # both variants: the document is deleted and the cookie cleared
    return page("Signed out", "<p>Signed out.</p>")


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ.get("PORT", "8080")), threaded=True,
            use_reloader=False, debug=False)
