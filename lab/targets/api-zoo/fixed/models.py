"""Request and response models of the fixed api-zoo app (what its OpenAPI document shows)."""
from __future__ import annotations

import uuid
from typing import Optional

from pydantic import BaseModel, Field


class Health(BaseModel):
    status: str


class Credentials(BaseModel):
    username: str = Field(max_length=64, examples=["alice"])
    password: str = Field(max_length=256)


class TokenOut(BaseModel):
    token: str
    token_type: str = "bearer"
    expires_in: int


class UserOut(BaseModel):  # FIX BFLA-003, PROP-001, PROP-002: only documented, harmless fields
    id: uuid.UUID
    username: str
    display_name: str
    email: str


class UserUpdate(BaseModel):  # FIX PROP-003: nothing the user may not change is accepted
    display_name: Optional[str] = Field(None, max_length=80, examples=["Alice L."])


class AdminStats(BaseModel):
    users: int
    orders: int
    revenue_eur: float


class Account(BaseModel):
    plan: str
    seats: int
    balance_eur: float
    renews: str


class Report(BaseModel):
    id: uuid.UUID
    title: str
    period: str
    revenue_eur: float


class Note(BaseModel):
    id: uuid.UUID
    text: str


class Order(BaseModel):
    id: uuid.UUID
    item: str
    total_eur: float


class Product(BaseModel):
    id: uuid.UUID
    sku: str
    name: str
    price_eur: float


class ProductPage(BaseModel):
    items: list[Product]
    limit: int
    offset: int
    total: int


class Event(BaseModel):
    id: uuid.UUID
    type: str
    at: str


class EventPage(BaseModel):
    items: list[Event]
    limit: int
    offset: int
    total: int


class Payment(BaseModel):  # FIX DATA-001: the last four digits only
    id: uuid.UUID
    amount_eur: float
    status: str
    card_last4: str


class TeamMember(BaseModel):  # FIX DATA-002: no e-mail addresses
    name: str
    title: str


class Features(BaseModel):
    chat: bool
    previews: bool


class Config(BaseModel):  # FIX DATA-003: no credentials
    region: str
    currency: str
    features: Features


class SearchHit(BaseModel):
    id: uuid.UUID
    name: str
    price_eur: float


class SearchOut(BaseModel):
    q: str
    results: list[SearchHit]


class PreviewOut(BaseModel):  # FIX CONSUME-003: an escaped title, never the document
    title: Optional[str]


class WebhookIn(BaseModel):
    url: str = Field(max_length=2048, json_schema_extra={"format": "uri"},
                     examples=["https://hooks.api-zoo.example/orders"])
    event: str = Field("order.created", max_length=64)


class WebhookOut(BaseModel):
    id: uuid.UUID
    url: str
    event: str


class ChatIn(BaseModel):
    message: str = Field(max_length=4000, examples=["Where is my order?"])


class ChatReply(BaseModel):  # FIX LLM-001: no model name, no token counts
    reply: str
