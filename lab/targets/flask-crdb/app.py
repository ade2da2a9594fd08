"""flask-crdb: Flask + Flask-Session keeping server-side sessions in SQL through
SQLAlchemy (PostgreSQL standing in for CockroachDB). Seed 000.

    GET  /login            login form; stores the post-login target in the session,
                           so an anonymous session (cookie "session") is issued here
    POST /login            form username, password
    GET  /profile          "Signed in as alice" or 401
    POST /change-password  form current_password, new_password (logged in)
    POST /logout

LAB_VARIANT=vulnerable: the session id issued before login is kept after login and
after a password change; the cookie has no Secure and no SameSite and lives 31 days
(Flask's default PERMANENT_SESSION_LIFETIME).
LAB_VARIANT=fixed: the session is cleared and regenerated on login and on password
change (the old row is deleted), the cookie is HttpOnly, Secure, SameSite=Lax and
lives one hour. The store is keyed by the token's hash: sessions.session_id holds
lowercase SHA-256 hex of the cookie value (Flask-Session's _get_store_id, the one
place where the sid becomes the storage key, is overridden), never the value itself.
Both variants: every row has an expiry (SESSION_PERMANENT) and Flask-Session rejects
(and deletes) a row whose expiry has passed.
"""
import hashlib
import os
from datetime import timedelta

from flask import Flask, abort, redirect, request, session
from flask_session.sqlalchemy import SqlAlchemySessionInterface
from flask_sqlalchemy import SQLAlchemy
from markupsafe import escape
from sqlalchemy import text
from werkzeug.security import check_password_hash, generate_password_hash

VARIANT = os.environ["LAB_VARIANT"]
assert VARIANT in ("vulnerable", "fixed"), VARIANT
FIXED = VARIANT == "fixed"

app = Flask(__name__)
app.config.update(
    SECRET_KEY=os.urandom(32),
    SQLALCHEMY_DATABASE_URI=os.environ["DATABASE_URL"].replace("postgresql://", "postgresql+psycopg://", 1),
    SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": True},
    SESSION_PERMANENT=True,
)
if FIXED:
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SECURE=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=1),
    )
# vulnerable: Flask defaults -- HttpOnly (Flask's default), no Secure, no SameSite,
# PERMANENT_SESSION_LIFETIME = 31 days.

db = SQLAlchemy(app)


class User(db.Model):
    __tablename__ = "users"
    username = db.Column(db.String(80), primary_key=True)
    password_hash = db.Column(db.String(256), nullable=False)


class UserColumnSessionInterface(SqlAlchemySessionInterface):
    """Flask-Session's SQLAlchemy interface, plus a plain user_id column on the
    sessions row (NULL until login) so the store shows who a session belongs to."""

    def _get_store_id(self, sid: str) -> str:
        # Every read, write and delete (open_session, save_session, regenerate) asks
        # this method for the row key. Fixed: the row is keyed by SHA-256 hex of the
        # session id, so the store never holds a usable token.
        if FIXED:
            return self.key_prefix + hashlib.sha256(sid.encode("utf-8")).hexdigest()
        return super()._get_store_id(sid)

    def _upsert_session(self, session_lifetime, session, store_id):
        super()._upsert_session(session_lifetime, session, store_id)
        db.session.execute(text("UPDATE sessions SET user_id = :u WHERE session_id = :sid"),
                           {"u": session.get("user"), "sid": store_id})
        db.session.commit()


with app.app_context():
    # The sessions table is Flask-Session's (id, session_id, data, expiry) plus user_id.
    db.session.execute(text("""
        CREATE TABLE IF NOT EXISTS sessions (
            id         SERIAL PRIMARY KEY,
            session_id VARCHAR(255) UNIQUE,
            data       BYTEA,
            expiry     TIMESTAMP,
            user_id    VARCHAR(80) NULL
        )"""))
    db.session.commit()
    db.create_all()
    alice = db.session.get(User, "alice") or User(username="alice")
    alice.password_hash = generate_password_hash(os.environ.get("LAB_PASSWORD", "wonderland-7"))
    db.session.add(alice)
    db.session.commit()

# Equivalent to SESSION_TYPE="sqlalchemy" + Session(app), with the subclass above.
# key_prefix="": the sessions.session_id column holds exactly the cookie value.
app.session_interface = UserColumnSessionInterface(
    app, client=db, key_prefix="", table="sessions", permanent=True)


def page(title: str, body: str, status: int = 200):
    return (f"<!doctype html><html><head><title>{title}</title></head><body>{body}</body></html>",
            status, {"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store"})


def check_credentials(username: str, password: str) -> bool:
    user = db.session.get(User, username or "")
    return user is not None and check_password_hash(user.password_hash, password or "")


@app.get("/")
def index():
    return page("flask-crdb", '<p>flask-crdb lab target. <a href="/login">Sign in</a></p>')


@app.get("/login")
def login_form():
    # Remember where to go after login: this writes the session, so an anonymous
    # session id is issued before authentication.
    session["next"] = "/profile"
    return page("Sign in", """
<form method="post" action="/login">
  <input name="username" autocomplete="username">
  <input name="password" type="password" autocomplete="current-password">
  <button>Sign in</button>
</form>""")


@app.post("/login")
def login():
    username = request.form.get("username", "")
    if not check_credentials(username, request.form.get("password", "")):
        return page("Sign in", "<p>Invalid credentials.</p>", 401)
    if FIXED:
        next_url = session.get("next", "/profile")
        session.clear()
        session["user"] = username
        session["next"] = next_url
        # Deletes the pre-login row and issues a brand-new session id.
        app.session_interface.regenerate(session)
    else:
        # FLAW (seed 000): the pre-login session id simply becomes the logged-in one.
        session["user"] = username
    return redirect(session.pop("next", "/profile"), code=303)


@app.get("/profile")
def profile():
    user = session.get("user")
    if not user:
        return page("Profile", "<p>Not signed in.</p>", 401)
    return page("Profile", f"<p>Signed in as {escape(user)}</p>")


@app.post("/change-password")
def change_password():
    user = session.get("user")
    if not user:
        return page("Change password", "<p>Not signed in.</p>", 401)
    if not check_credentials(user, request.form.get("current_password", "")):
        return page("Change password", "<p>Wrong current password.</p>", 403)
    new_password = request.form.get("new_password", "")
    if len(new_password) < 8:
        abort(400)
    record = db.session.get(User, user)
    record.password_hash = generate_password_hash(new_password)
    db.session.commit()
    if FIXED:
        # Privilege change: new session id, old row deleted.
        app.session_interface.regenerate(session)
    # vulnerable: FLAW -- the same session id stays valid after the password change.
    return page("Change password", "<p>Password changed.</p>")


@app.post("/logout")
def logout():
    # Both variants: clearing a Flask-Session session deletes its row and the cookie.
    session.clear()
    return page("Signed out", "<p>Signed out.</p>")


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ.get("PORT", "8080")), threaded=True,
            use_reloader=False, debug=False)
