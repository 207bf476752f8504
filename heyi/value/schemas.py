"""API shapes of value: value splits, pay rules, the people–order–pay table, share rules."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from uuid import UUID

from ninja import Schema
from pydantic import Field


def money(amount: Decimal) -> str:
    """Money on the API is a decimal string with two places."""
    return f"{amount:.2f}"


class PartyOut(Schema):
    kind: str = Field(description="platform, venture or user")
    uid: UUID | None = Field(None, description="The venture's or the person's uid.")
    slug: str = Field("", description="The venture's slug.")
    name: str


class SplitLineOut(Schema):
    party: PartyOut
    term: str = Field(description="The rule term that produced the line.")
    term_label: str
    basis: str = Field(description="The arithmetic behind the amount.")
    amount: str


class RateOut(Schema):
    name: str
    label: str
    value: str
    words: str


class ShareRuleOut(Schema):
    uid: UUID | None = Field(None, description="None for the initial rates never published.")
    scope: str
    tender_uid: UUID | None = None
    terms: dict[str, str]
    rates: list[RateOut]
    fingerprint: str
    currency: str
    published_at: datetime | None
    note: str


class PostingLineOut(Schema):
    account: str
    amount: str
    currency: str
    term: str


class PostingOut(Schema):
    uid: UUID
    idempotency_key: str
    kind: str
    posted_at: datetime
    lines: list[PostingLineOut]


class PayLineOut(Schema):
    user_uid: UUID
    name: str
    steps: int
    amount: str


class ValueSplitOut(Schema):
    order: int
    settled: bool = Field(description="False: a preview by the rule, nothing posted yet.")
    total: str
    currency: str
    settled_at: datetime | None
    share_rule: ShareRuleOut
    lines: list[SplitLineOut]
    posting: PostingOut | None
    members_pay: list[PayLineOut]


class PayRuleIn(Schema):
    pool_percent: Decimal = Field(description="The members' pool: % of the venture's net, 0–100.")
    basis: str = Field(description="equal or steps")
    note: str = ""


class PayRuleOut(Schema):
    uid: UUID
    pool_percent: str
    basis: str
    published_at: datetime
    published_by: str
    note: str


class PayRulesOut(Schema):
    current: PayRuleOut | None
    versions: list[PayRuleOut]


class PayOrderOut(Schema):
    number: int
    settled_at: datetime
    total: str
    pool: str


class PayRowOut(Schema):
    user_uid: UUID
    name: str
    cells: list[str | None] = Field(description="Pay per order, in the order of `orders`.")
    total: str = Field(description="Over the orders of this page.")
    all_orders: str = Field(description="Over every settled order of the venture.")


class PayTableOut(Schema):
    orders: list[PayOrderOut]
    rows: list[PayRowOut]
    page: int
    pages: int


class ShareRuleIn(Schema):
    scope: str = Field(description="default_production or default_standard")
    platform_fee_percent: Decimal
    author_royalty_percent: Decimal
    designer_royalty_percent: Decimal
    delivery_fee_per_order: Decimal
    delivery_fee_per_unit: Decimal
    maker_surplus_percent: Decimal
    note: str = ""


class ShareRulesOut(Schema):
    production: ShareRuleOut
    standard: ShareRuleOut
    history: list[ShareRuleOut]


class TenderShareRuleOut(Schema):
    tender: int
    frozen: bool = Field(
        description="True: published with the tender; false: the production rates in force, "
        "which the tender takes when it is published."
    )
    share_rule: ShareRuleOut
