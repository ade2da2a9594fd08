"""The shop API under /api/v1/, both variants: the vulnerable code paths are marked
`FLAW <rule id>`, their replacements `FIX <rule id>` (INV-006 is DEBUG, in settings.py)."""
import os
import re
import threading

from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.db import DatabaseError, connection
from django.http import HttpResponse, JsonResponse
from django.views.decorators.http import require_safe
from rest_framework import filters, viewsets
from rest_framework.decorators import api_view
from rest_framework.exceptions import AuthenticationFailed, NotFound, ValidationError
from rest_framework.permissions import IsAdminUser, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from . import seed
from .auth import issue_token
from .models import Order, Product
from .serializers import OrderSerializer, ProductSerializer

SKU = re.compile(r"[0-9]{1,9}")
ROBOTS = """# The shop's JSON API is for programs, not for crawlers.
User-agent: *
Disallow: /api/v1/
Disallow: /api/v1/products/?search=
"""


@require_safe
def index(request):
    return JsonResponse({"service": "drf-pg", "api": request.build_absolute_uri("/api/v1/")})


@require_safe
def robots_txt(request):
    return HttpResponse(ROBOTS, content_type="text/plain; charset=utf-8")


def not_found(request, exception):
    """handler404 (fixed variant; with DEBUG on, Django answers its technical 404 instead)."""
    return JsonResponse({"detail": "Not found."}, status=404)


@api_view(["GET"])
def health(request):
    return Response({"status": "ok"})


class LoginView(APIView):
    """POST {"username", "password"} -> {"token"}. Failures are DRF's AuthenticationFailed: a
    401 with WWW-Authenticate, since the view keeps the bearer authenticator."""

    def post(self, request):
        username, password = request.data.get("username"), request.data.get("password")
        if not isinstance(username, str) or not isinstance(password, str):
            raise ValidationError({"detail": "username and password are required"})
        if settings.VULNERABLE:
            user = get_user_model().objects.filter(username=username).first()
            if user is None:
                raise AuthenticationFailed("No such user.")  # FLAW AUTH-011: tells unknown names apart
            if not user.check_password(password):
                raise AuthenticationFailed("Wrong password.")
        else:
            # FIX AUTH-011: one answer for both failures; Django's ModelBackend runs the password
            # hasher for an unknown name too, so both take the same time
            user = authenticate(request, username=username, password=password)
            if user is None:
                raise AuthenticationFailed("Invalid credentials.")
        ttl = int(settings.TOKEN_TTL.total_seconds())
        return Response({"token": issue_token(user), "token_type": "bearer", "expires_in": ttl})


class MeView(APIView):
    permission_classes = [IsAuthenticated]

    def get(self, request):
        return Response({"username": request.user.username, "name": request.user.get_full_name()})


class ProductSearch(filters.SearchFilter):
    """?search= on product names."""

    def filter_queryset(self, request, queryset, view):
        term = request.query_params.get(self.search_param, "")
        if not (settings.VULNERABLE and term):
            return super().filter_queryset(request, queryset, view)  # FIX INPUT-007: the ORM, bound parameters
        # FLAW INPUT-007: the term is pasted into hand-written SQL; with DEBUG on, the database's
        # error text reaches the caller in the technical 500 page
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT sku FROM shop_product WHERE name ILIKE '%{term}%'")
            return queryset.filter(sku__in=[row[0] for row in cursor.fetchall()])


class ProductViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Product.objects.all()
    serializer_class = ProductSerializer
    lookup_field = "sku"
    filter_backends = [ProductSearch]
    search_fields = ["name"]

    def get_object(self):
        sku = self.kwargs["sku"]
        if settings.VULNERABLE:
            # FLAW INPUT-007 (blind): the number is pasted into the SQL text; an error becomes the
            # 404 of an unknown product, so only a true/false condition tells
            try:
                found = list(Product.objects.raw(f"SELECT * FROM shop_product WHERE sku = {sku}"))
            except DatabaseError:
                found = []
        else:
            found = list(Product.objects.filter(sku=int(sku))) if SKU.fullmatch(sku) else []  # FIX INPUT-007
        if not found:
            raise NotFound("No such product.")
        return found[0]


class OrderViewSet(viewsets.ReadOnlyModelViewSet):
    """The caller's own orders, oldest first (fixed: another user's order id is a 404)."""
    serializer_class = OrderSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        if settings.VULNERABLE and self.action == "retrieve":
            # FLAW BOLA-004: the list is the caller's, but any user's order answers by its id
            return Order.objects.select_related("product")
        return Order.objects.filter(user=self.request.user).select_related("product")  # FIX BOLA-004


class TrapCounter:
    """Counts the calls of the trap in a file (0 on start), so lab/check can read it after a scan."""

    def __init__(self, path: str | None):
        self.path, self.hits, self.lock = path, 0, threading.Lock()
        self.save()

    def hit(self) -> None:
        with self.lock:
            self.hits += 1
            self.save()

    def save(self) -> None:
        if self.path:
            with open(f"{self.path}.tmp", "w") as f:
                f.write(f"{self.hits}\n")
            os.replace(f"{self.path}.tmp", self.path)


TRAP = TrapCounter(settings.TRAP_FILE)


class ResetViewSet(viewsets.ViewSet):
    """A destructive GET, as real APIs have them: it drops and re-seeds the shop's data
    (staff only). In the lab it re-seeds the products, and counts every GET and HEAD before
    authentication (lab/check fails unless a scan left the counter at 0)."""
    permission_classes = [IsAdminUser]

    def initial(self, request, *args, **kwargs):
        if request.method in ("GET", "HEAD"):
            TRAP.hit()
        super().initial(request, *args, **kwargs)

    def list(self, request):
        seed.products()
        return Response({"database": "re-seeded"})
