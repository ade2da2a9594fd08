"""URLs: the site root, /api/health/, /api/me/ and dj-rest-auth's login, logout and token refresh
under /api/auth/ (the paths of dj_rest_auth.urls, trailing slash; its password, user-details and
token-verify views are left out). The fixed variant's logout and refresh are dj-rest-auth's views
with the session binding of sessions.py and session_views.py (FIX SESS-004)."""
from django.conf import settings
from django.urls import path
from dj_rest_auth.views import LoginView

from . import views

if settings.FIXED:
    from .session_views import LiveSessionRefreshView as RefreshView
    from .session_views import SessionLogoutView as LogoutView
else:
    from dj_rest_auth.jwt_auth import get_refresh_view
    from dj_rest_auth.views import LogoutView

    RefreshView = get_refresh_view()

urlpatterns = [
    path("", views.index),
    path("api/health/", views.health),
    path("api/me/", views.MeView.as_view()),
    path("api/auth/login/", LoginView.as_view(), name="rest_login"),
    path("api/auth/logout/", LogoutView.as_view(), name="rest_logout"),
    path("api/auth/token/refresh/", RefreshView.as_view(), name="token_refresh"),
]

handler404 = "api.views.not_found"
handler400 = "rest_framework.exceptions.bad_request"
handler500 = "rest_framework.exceptions.server_error"
