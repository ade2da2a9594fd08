"""The fixed variant's logout and refresh views (FIX SESS-004, with sessions.py): dj-rest-auth's
views, plus ending the session on logout and refusing a refresh of an ended session. Only imported
when LAB_VARIANT=fixed (urls.py)."""
from dj_rest_auth.app_settings import api_settings as rest_auth_settings
from dj_rest_auth.jwt_auth import CookieTokenRefreshSerializer, get_refresh_view
from dj_rest_auth.views import LogoutView
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError
from rest_framework_simplejwt.tokens import RefreshToken

from .sessions import SID_CLAIM, end, live


class SessionLogoutView(LogoutView):
    """dj-rest-auth's LogoutView (it deletes the refresh-token cookie and, with the blacklist app,
    blacklists the refresh token the cookie carries), then ends the session of the access token it
    was called with and the session of that refresh token."""

    def logout(self, request):
        sids = []
        if request.auth is not None:
            sids.append(request.auth.get(SID_CLAIM))
        raw = request.COOKIES.get(rest_auth_settings.JWT_AUTH_REFRESH_COOKIE)
        if raw:
            try:
                sids.append(RefreshToken(raw).get(SID_CLAIM))  # verified (signature, exp, blacklist)
            except TokenError:
                pass
        response = super().logout(request)
        end(*sids)
        return response


class LiveSessionRefreshSerializer(CookieTokenRefreshSerializer):
    """dj-rest-auth's cookie-reading refresh serializer, refusing a refresh token of an ended session."""

    def validate(self, attrs):
        try:
            token = RefreshToken(self.extract_refresh_token())
        except TokenError as e:
            raise InvalidToken(e.args[0]) from e
        if not live(token):
            raise InvalidToken("The session of this token has ended.")
        return super().validate(attrs)


class LiveSessionRefreshView(get_refresh_view()):
    serializer_class = LiveSessionRefreshSerializer
