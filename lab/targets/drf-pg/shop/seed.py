"""Tables and seed data. labctl hands each variant a fresh, empty database on every start;
prepare() creates the tables (the migrations of Django's apps and of the shop) and seeds
them before the app listens. Passwords are $LAB_PASSWORD, $LAB_PASSWORD-bob, ..."""
import uuid

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command

from .models import Order, Product

PRODUCTS = [
    (10031, "Otter plush", "14.50"), (10032, "Otter mug", "9.90"), (10047, "Heron poster", "12.00"),
    (10058, "Badger socks", "7.50"), (10063, "Fox lantern", "24.00"), (10071, "Owl notebook", "5.25"),
    (10089, "Lynx scarf", "19.00"), (10094, "Beaver cap", "16.00"),
]
# (username, first name, staff, password suffix)
USERS = [("alice", "Alice", False, ""), ("bob", "Bob", False, "-bob"), ("admin", "Admin", True, "-admin")]
# (id, username, sku, quantity, placed at): fixed ids, so the API document's example names alice's order
ORDERS = [
    ("6f1c2a9e-3b47-4d2a-9c1e-5a8b7d0e4f21", "alice", 10031, 1, "2025-03-02T10:15:00Z"),
    ("b2d4e6f8-1a3c-4e5f-8a7b-9c0d1e2f3a4b", "alice", 10071, 3, "2025-04-11T16:40:00Z"),
    ("0e9d8c7b-6a5f-4e3d-8c2b-1a0f9e8d7c6b", "bob", 10089, 1, "2025-04-20T09:05:00Z"),
]


def products() -> None:
    for sku, name, price in PRODUCTS:
        Product.objects.update_or_create(sku=sku, defaults={"name": name, "price_eur": price})


def prepare() -> None:
    call_command("migrate", verbosity=0, interactive=False)
    products()
    users = {}
    for username, first_name, staff, suffix in USERS:
        users[username] = get_user_model().objects.create_user(
            username, password=settings.LAB_PASSWORD + suffix, first_name=first_name, is_staff=staff)
    for oid, username, sku, quantity, placed_at in ORDERS:
        Order.objects.create(id=uuid.UUID(oid), user=users[username], product_id=sku, quantity=quantity,
                             placed_at=placed_at)
