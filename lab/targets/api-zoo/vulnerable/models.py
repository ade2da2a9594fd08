"""Request and response models of the vulnerable api-zoo app (what its OpenAPI document shows)."""
from __future__ import annotations

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


class UserOut(BaseModel):
    id: int
    username: str
    display_name: str
    email: str
    role: str
    is_admin: bool


class UserUpdate(BaseModel):
    display_name: Optional[str] = Field(None, max_length=80, examples=["Alice L."])
    email: Optional[str] = Field(None, max_length=120)
    role: Optional[str] = Field(None, max_length=20, json_schema_extra={"readOnly": True})


class AdminUser(UserOut):
    password_hash: str


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
    id: int
    user_id: int
    title: str
    period: str
    revenue_eur: float


class Note(BaseModel):
    id: int
    text: str


class Order(BaseModel):
    id: int
    user_id: int
    item: str
    total_eur: float


class Product(BaseModel):
    id: int
    sku: str
    name: str
    price_eur: float


class Event(BaseModel):
    id: int
    type: str
    at: str


class EventPage(BaseModel):
    items: list[Event]
    limit: int
    offset: int
    total: int


class Payment(BaseModel):
    id: int
    user_id: int
    amount_eur: float
    status: str
    card_number: str
    card_holder: str


class TeamMember(BaseModel):
    name: str
    title: str
    email: str


class Config(BaseModel):
    region: str
    currency: str
    stripe_secret_key: str
    aws_access_key_id: str


class SearchHit(BaseModel):
    id: int
    name: str
    price_eur: float


class SearchOut(BaseModel):
    q: str
    results: list[SearchHit]


class WebhookIn(BaseModel):
    url: str = Field(max_length=2048, json_schema_extra={"format": "uri"},
                     examples=["https://hooks.api-zoo.example/orders"])
    event: str = Field("order.created", max_length=64)


class WebhookOut(BaseModel):
    id: int
    url: str
    event: str


class LegacyProfile(BaseModel):
    username: str
    display_name: str
    email: str


class ChatIn(BaseModel):
    message: str = Field(max_length=4000, examples=["Where is my order?"])


class ChatMessage(BaseModel):
    role: str
    content: str


class ChatChoice(BaseModel):
    index: int
    message: ChatMessage
    finish_reason: str


class ChatUsage(BaseModel):
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


class ChatOut(BaseModel):
    id: str
    object: str
    model: str
    choices: list[ChatChoice]
    usage: ChatUsage


class ChatHistory(BaseModel):
    messages: list[ChatMessage]
