"""The fixed variant's session binding (FIX SESS-004): simplejwt's access tokens are stateless, so
by themselves they outlive a logout (the blacklist covers refresh tokens only). Here every login
starts a session, a LoginSession row, whose id is the claim "sid" of the login's refresh token;
simplejwt copies it into every access token made from that refresh token, and rotation keeps it
(a rotated refresh token gets a new jti, exp and iat, nothing else). Then

  - LiveSessionJWTAuthentication refuses an access token whose session is not live;
  - session_views.SessionLogoutView ends the caller's session (the access token's sid and the
    refresh-token cookie's) on top of dj-rest-auth's logout, which blacklists the refresh token;
  - session_views.LiveSessionRefreshView refuses a refresh token whose session is not live (a
    logout sent with the access token alone leaves the refresh token unblacklisted; it still
    cannot refresh).

Only imported when LAB_VARIANT=fixed (settings.py names the two classes below; DRF imports the
authentication class while rest_framework.views loads, so this module imports no views).
"""
import uuid

from django.utils import timezone
from dj_rest_auth.jwt_auth import JWTCookieAuthentication
from rest_framework_simplejwt.exceptions import InvalidToken
from rest_framework_simplejwt.serializers import TokenObtainPairSerializer
from rest_framework_simplejwt.settings import api_settings as jwt_settings

from .models import LoginSession

SID_CLAIM = "sid"


def live(token) -> bool:
    """Is the session the token names (claim "sid") live, and the token's user its user?"""
    try:
        sid = uuid.UUID(str(token.get(SID_CLAIM)))
    except ValueError:
        return False
    return LoginSession.objects.filter(sid=sid, user_id=token.get(jwt_settings.USER_ID_CLAIM),
                                       expires_at__gt=timezone.now()).exists()


def end(*sids) -> None:
    valid = []
    for sid in sids:
        try:
            valid.append(uuid.UUID(str(sid)))
        except ValueError:
            pass
    LoginSession.objects.filter(sid__in=valid).delete()


class SessionTokenObtainPairSerializer(TokenObtainPairSerializer):
    """dj-rest-auth's JWT_TOKEN_CLAIMS_SERIALIZER: its get_token(user) makes the login's refresh
    token (jwt_encode); here it also starts the login's session and names it in the token."""

    @classmethod
    def get_token(cls, user):
        token = super().get_token(user)
        session = LoginSession.objects.create(user=user, expires_at=timezone.now() + jwt_settings.REFRESH_TOKEN_LIFETIME)
        token[SID_CLAIM] = session.sid.hex
        return token


class LiveSessionJWTAuthentication(JWTCookieAuthentication):
    """dj-rest-auth's JWTCookieAuthentication (the Authorization header; no access-token cookie is
    configured) that also refuses an access token whose session has ended."""

    def get_validated_token(self, raw_token):
        token = super().get_validated_token(raw_token)
        if not live(token):
            raise InvalidToken("The session of this token has ended.")
        return token
