"""The app's one table: the fixed variant's login sessions (sessions.py). The vulnerable variant
never writes it. Users are django.contrib.auth's; simplejwt's blacklist app (fixed only) brings
its own two tables (outstanding and blacklisted refresh tokens)."""
import uuid

from django.conf import settings
from django.db import models


class LoginSession(models.Model):
    """One row per login: its id is the "sid" claim of the login's refresh token and of every
    access token made from it. Logout deletes the row; a token whose sid has no live row is refused."""
    sid = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="login_sessions")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
