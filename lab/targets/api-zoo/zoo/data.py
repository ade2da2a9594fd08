"""The api-zoo data set, identical for both variants (in memory, rebuilt on every
start). Every object has a small integer `id` (what the vulnerable variant exposes)
and a `uuid` (what the fixed variant exposes; uuid5 of a stable name, so the fixed
OpenAPI document can carry real examples)."""
from __future__ import annotations

import hashlib
import os
import uuid
from datetime import datetime, timedelta, timezone

NS = uuid.UUID("8d3f6c1e-5a0b-4c55-9e1f-2b7a4d9c0e11")
PASSWORD = os.environ.get("LAB_PASSWORD") or "wonderland-7"
PBKDF2_ROUNDS = 100_000


def uid(kind: str, key: object) -> str:
    return str(uuid.uuid5(NS, f"{kind}:{key}"))


def hash_password(password: str, salt: bytes) -> str:
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, PBKDF2_ROUNDS)
    return f"pbkdf2_sha256${PBKDF2_ROUNDS}${salt.hex()}${digest.hex()}"


def check_password(password: str, stored: str) -> bool:
    _, rounds, salt, digest = stored.split("$")
    got = hashlib.pbkdf2_hmac("sha256", password.encode(), bytes.fromhex(salt), int(rounds))
    return got.hex() == digest


# alice and bob are ordinary users, admin has the admin role; passwords derive from
# LAB_PASSWORD (alice: as is; bob: "<LAB_PASSWORD>-bob"; admin: "<LAB_PASSWORD>-admin").
_USERS = [
    (1, "alice", "Alice Liddell", "user", PASSWORD, "VIP: approved for net-60 invoicing"),
    (2, "bob", "Bob Builder", "user", PASSWORD + "-bob", "chargeback filed 2025-03"),
    (3, "admin", "Zoo Admin", "admin", PASSWORD + "-admin", "break-glass account"),
    (4, "carol", "Carol Danvers", "user", PASSWORD + "-carol", "beta tester"),
]

USERS: dict[int, dict] = {}
for _id, _name, _display, _role, _pw, _notes in _USERS:
    USERS[_id] = {
        "id": _id, "uuid": uid("user", _name), "username": _name, "display_name": _display,
        "email": f"{_name}@api-zoo.example", "role": _role,
        "password_hash": hash_password(_pw, hashlib.sha256(_name.encode()).digest()[:16]),
        "internal_notes": _notes,
    }


def user_by_name(name: str) -> dict | None:
    return next((u for u in USERS.values() if u["username"] == name), None)


def user_by_uuid(value: str) -> dict | None:
    return next((u for u in USERS.values() if u["uuid"] == value), None)


TEAM = [
    {"name": "Alice Liddell", "title": "Engineering lead", "email": "alice@api-zoo.example"},
    {"name": "Bob Builder", "title": "Support", "email": "bob@api-zoo.example"},
    {"name": "Carol Danvers", "title": "Sales", "email": "carol@api-zoo.example"},
    {"name": "Dave Keeper", "title": "Operations", "email": "dave@api-zoo.example"},
]

_ADJ = ["Red", "Quiet", "Swift", "Golden", "Tiny", "Grand", "Lazy", "Brave", "Sleepy", "Noisy"]
_ANIMAL = ["Panda", "Otter", "Lynx", "Heron", "Gecko", "Bison", "Koala", "Okapi", "Tapir", "Lemur"]
PRODUCTS = [
    {"id": i, "uuid": uid("product", i), "sku": f"ZOO-{i:04d}",
     "name": f"{_ADJ[i % 10]} {_ANIMAL[(i // 10) % 10]} plush", "price_eur": round(5 + (i * 37 % 400) / 10, 2)}
    for i in range(1, 501)
]

_EPOCH = datetime(2025, 1, 1, tzinfo=timezone.utc)
_EVENT_TYPES = ["order.created", "order.shipped", "review.posted", "product.restocked"]
EVENTS = [
    {"id": i, "uuid": uid("event", i), "type": _EVENT_TYPES[i % 4],
     "at": (_EPOCH + timedelta(minutes=17 * i)).isoformat().replace("+00:00", "Z")}
    for i in range(1, 1001)
]

# Luhn-valid card numbers (Visa, Mastercard) that belong to no real card range in use here.
PAYMENTS = {
    1: {"id": 1, "uuid": uid("payment", 1), "user_id": 1, "amount_eur": 42.5, "status": "captured",
        "card_number": "4532015112830366", "card_holder": "Alice Liddell"},
    2: {"id": 2, "uuid": uid("payment", 2), "user_id": 2, "amount_eur": 19.9, "status": "captured",
        "card_number": "5524619017348254", "card_holder": "Bob Builder"},
}

REPORTS = {
    1: {"id": 1, "uuid": uid("report", 1), "user_id": 1, "title": "Q3 plush sales", "period": "2025-Q3",
        "revenue_eur": 18234.4},
    2: {"id": 2, "uuid": uid("report", 2), "user_id": 2, "title": "Support backlog", "period": "2025-Q3",
        "revenue_eur": 0.0},
}

NOTES = {
    1: [{"id": 1, "uuid": uid("note", 1), "text": "call the otter supplier"},
        {"id": 2, "uuid": uid("note", 2), "text": "renew the TLS certificate"}],
    2: [{"id": 3, "uuid": uid("note", 3), "text": "bob's private note"}],
    3: [], 4: [],
}

ORDERS = [
    {"id": 1, "uuid": uid("order", 1), "user_id": 1, "item": "ZOO-0007", "total_eur": 12.4},
    {"id": 2, "uuid": uid("order", 2), "user_id": 1, "item": "ZOO-0042", "total_eur": 31.0},
    {"id": 3, "uuid": uid("order", 3), "user_id": 2, "item": "ZOO-0100", "total_eur": 8.5},
    {"id": 4, "uuid": uid("order", 4), "user_id": 2, "item": "ZOO-0101", "total_eur": 9.9},
    {"id": 5, "uuid": uid("order", 5), "user_id": 4, "item": "ZOO-0333", "total_eur": 44.0},
]

# The organisation's billing account: the same for every signed-in user.
ACCOUNT = {"plan": "business", "seats": 25, "balance_eur": 1834.5, "renews": "2026-01-01"}
