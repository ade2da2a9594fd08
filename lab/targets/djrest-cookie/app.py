#!/usr/bin/env python3
"""djrest-cookie: a small JSON API on Django REST framework whose logins are dj-rest-auth's with
djangorestframework-simplejwt: the access token in the JSON body (sent back as
`Authorization: Bearer`), the refresh token ONLY in an HttpOnly cookie, `refresh-token`
(dj-rest-auth's JWT_AUTH_HTTPONLY mode; the body's "refresh" is an empty string).

    python app.py   serve on 127.0.0.1:$PORT under uvicorn (lab/up does this);
                    LAB_VARIANT=vulnerable|fixed, LAB_PASSWORD

  GET  /                          {"service", "api"}
  GET  /api/health/               public, {"status": "ok"}, no token
  POST /api/auth/login/           dj-rest-auth LoginView: {username, password} ->
                                  {"access", "refresh": "", "user"} + Set-Cookie refresh-token
  POST /api/auth/token/refresh/   dj-rest-auth's refresh view: reads the refresh-token cookie ->
                                  {"access", "access_expiration"} + a NEW refresh-token cookie (rotation)
  POST /api/auth/logout/          dj-rest-auth LogoutView (deletes the cookie; fixed: blacklists it)
  GET  /api/me/                   bearer: {"id", "username", "name"}; 401 otherwise

The Django project is api/: settings.py (the flaws are settings: FLAW/FIX SESS-020, SESS-021),
sessions.py (the fixed variant's session binding: FIX SESS-004), urls.py, views.py, seed.py.
The database is SQLite in a fresh temporary directory per start (removed on exit): every start
begins with the users alice ($LAB_PASSWORD) and bob ($LAB_PASSWORD-bob) and nothing else.
uvicorn serves it without a Server header; Django runs each request's sync code in its own thread.
"""
import os
import shutil
import signal
import sys
import tempfile

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "api.settings")


def main() -> None:
    # uvicorn handles SIGTERM itself (a graceful shutdown) and then re-raises it to the handler that
    # was there before; this one turns it into SystemExit, so the finally below removes the data
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
    data = tempfile.mkdtemp(prefix="djrest-cookie-")
    os.environ["LAB_DATA_DIR"] = data  # settings.py puts db.sqlite3 here
    try:
        django.setup()
        import uvicorn
        from django.core.asgi import get_asgi_application

        from api import seed

        seed.prepare()
        uvicorn.run(get_asgi_application(), host="127.0.0.1", port=int(os.environ.get("PORT", "8080")),
                    server_header=False, lifespan="off", log_level="info")
    finally:
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
