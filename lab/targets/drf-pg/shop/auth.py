"""Bearer tokens, the same in both variants: DRF's TokenAuthentication with the keyword
"Bearer" and AuthToken rows (a random 160-bit key per login, stored hashed, valid for
settings.TOKEN_TTL). A 401 carries `WWW-Authenticate: Bearer` (DRF's authenticate_header)."""
import hashlib
import secrets

from django.conf import settings
from django.utils import timezone
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from .models import AuthToken


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def issue_token(user) -> str:
    key = secrets.token_hex(20)
    AuthToken.objects.create(digest=digest(key), user=user)
    return key


class BearerTokenAuthentication(TokenAuthentication):
    keyword = "Bearer"

    def authenticate_credentials(self, key):
        since = timezone.now() - settings.TOKEN_TTL
        token = AuthToken.objects.select_related("user").filter(digest=digest(key), created__gt=since).first()
        if token is None or not token.user.is_active:
            raise AuthenticationFailed("Invalid token.")
        return token.user, token
