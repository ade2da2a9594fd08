"""The shop's tables: products, orders and the bearer tokens logins issue (users are
django.contrib.auth's). The tables come from migrations/ (seed.prepare runs them)."""
import uuid

from django.conf import settings
from django.db import models


class Product(models.Model):
    sku = models.IntegerField(primary_key=True)
    name = models.CharField(max_length=100)
    price_eur = models.DecimalField(max_digits=8, decimal_places=2)

    class Meta:
        ordering = ["sku"]


class Order(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="orders")
    product = models.ForeignKey(Product, on_delete=models.PROTECT)
    quantity = models.PositiveIntegerField()
    placed_at = models.DateTimeField()

    class Meta:
        ordering = ["placed_at"]


class AuthToken(models.Model):
    """One row per login (a user may hold several tokens at once): the SHA-256 of the
    bearer token, never the token itself."""
    digest = models.CharField(max_length=64, primary_key=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="auth_tokens")
    created = models.DateTimeField(auto_now_add=True)
