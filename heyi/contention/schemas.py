"""API shapes for tenders, sealed bids, awards and their verification."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from ninja import Schema
from pydantic import Field

from heyi.contention.models import Bid, Tender

SubjectTypeValue = Literal["demand_production", "supply_rfq", "delivery_route", "service_ticket"]
TenderStatusValue = Literal["draft", "published", "open", "awarded", "no_award", "cancelled"]
CriterionName = Literal[
    "unit_price", "lead_time_days", "on_time_rate", "rating", "fans", "capacity"
]
DirectionValue = Literal["lower_is_better", "higher_is_better"]
TieBreakKey = Literal["submitted_at", "unit_price", "lead_time_days", "bidder_id", "bid_id"]
DecimalText = str
DEFAULT_TIE_BREAK_KEYS: list[TieBreakKey] = ["submitted_at", "unit_price", "bidder_id", "bid_id"]


class CriterionIn(Schema):
    name: CriterionName
    weight: str = Field(..., max_length=40, description='A decimal string such as "0.7".')
    direction: DirectionValue


class RuleIn(Schema):
    criteria: list[CriterionIn] = Field(..., min_length=1, max_length=6)
    tie_break: list[TieBreakKey] = Field(
        default_factory=lambda: list(DEFAULT_TIE_BREAK_KEYS),
        max_length=5,
    )

    def to_rule(self) -> dict[str, Any]:
        return {
            "version": 1,
            "normalisation": "min_max",
            "criteria": [criterion.dict() for criterion in self.criteria],
            "tie_break": list(self.tie_break),
        }


class TenderIn(Schema):
    subject_type: SubjectTypeValue
    subject_uid: uuid.UUID
    demand_uid: uuid.UUID | None = None
    title: str = Field(..., max_length=200)
    requirements: str = Field(..., max_length=8000)
    quantity: int = Field(..., ge=1, le=10_000_000)
    opens_at: datetime
    closes_at: datetime
    categories: list[str] = Field(default_factory=list, max_length=20)
    minimum_rating: Decimal | None = Field(None, ge=0, le=5, max_digits=4, decimal_places=2)
    venture_statuses: list[str] = Field(default_factory=list, max_length=4)
    venture_kinds: list[str] = Field(default_factory=list, max_length=5)
    rule: RuleIn
    publish: bool = Field(False, description="Publish the rule at once (opens when due).")


class CancelIn(Schema):
    reason: str = Field(..., max_length=500)


class CriterionOut(Schema):
    name: str
    weight: str
    direction: str


class RuleOut(Schema):
    version: int
    normalisation: str
    criteria: list[CriterionOut]
    tie_break: list[str]


class TenderOut(Schema):
    number: int
    uid: uuid.UUID
    subject_type: str
    subject_uid: uuid.UUID
    demand_uid: uuid.UUID | None
    title: str
    requirements: str
    quantity: int
    opens_at: datetime
    closes_at: datetime
    status: str
    status_label: str
    categories: list[str]
    minimum_rating: DecimalText | None
    venture_statuses: list[str]
    venture_kinds: list[str]
    rule: RuleOut
    rule_fingerprint: str
    bid_count: int
    is_sealed: bool
    published_at: datetime | None
    closed_at: datetime | None
    award_fingerprint: str

    @staticmethod
    def resolve_status_label(obj: Tender) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_categories(obj: Tender) -> list[str]:
        return sorted(category.slug for category in obj.categories.all())

    @staticmethod
    def resolve_minimum_rating(obj: Tender) -> str | None:
        return None if obj.minimum_rating is None else str(obj.minimum_rating)


class TenderListOut(Schema):
    count: int
    items: list[TenderOut]


class BidIn(Schema):
    unit_price: DecimalText = Field(..., max_length=20, description='A decimal string: "129.50".')
    lead_time_days: int
    capacity: int
    plan: str = Field("", max_length=4000)
    bet_target: DecimalText | None = Field(None, max_length=20)


class BidSubmitIn(BidIn):
    venture: str = Field(..., max_length=140, description="The bidding venture's slug.")


class BidOut(Schema):
    uid: uuid.UUID
    tender: int
    venture: str
    venture_name: str
    submitted_by: str
    unit_price: DecimalText
    lead_time_days: int
    capacity: int
    plan: str
    bet_target: DecimalText | None
    status: str
    revision: int
    submitted_at: datetime
    score: DecimalText | None
    rank: int | None

    @staticmethod
    def resolve_tender(obj: Bid) -> int:
        return obj.tender.number

    @staticmethod
    def resolve_venture(obj: Bid) -> str:
        return obj.venture.slug

    @staticmethod
    def resolve_venture_name(obj: Bid) -> str:
        return obj.venture.name

    @staticmethod
    def resolve_submitted_by(obj: Bid) -> str:
        return obj.submitted_by.name

    @staticmethod
    def resolve_unit_price(obj: Bid) -> str:
        return str(obj.unit_price)

    @staticmethod
    def resolve_bet_target(obj: Bid) -> str | None:
        return None if obj.bet_target is None else str(obj.bet_target)

    @staticmethod
    def resolve_score(obj: Bid) -> str | None:
        return None if obj.score is None else str(obj.score)


class BidListOut(Schema):
    count: int
    items: list[BidOut]


class AwardOut(Schema):
    tender: int
    status: str
    award: dict[str, Any]
    award_fingerprint: str
    ventures: dict[str, str] = Field(
        ..., description="Bidder identifiers (venture uids) mapped to venture slugs."
    )


class VerificationOut(Schema):
    tender: int
    matches: bool
    differences: list[str]
    award_fingerprint: str
    rule_fingerprint: str


# --- daily order contention ---------------------------------------------------------------


class StandingBidIn(Schema):
    unit_price: str = Field(description="Yuan per unit, as a decimal string.")
    lead_time_days: int


class StandingBidOut(Schema):
    product: str
    product_name: str
    unit_price: str
    lead_time_days: int
    status: str
    revision: int
    updated_at: datetime

    @staticmethod
    def resolve_product(obj: Any) -> str:
        return str(obj.product.slug)

    @staticmethod
    def resolve_product_name(obj: Any) -> str:
        return str(obj.product.name)

    @staticmethod
    def resolve_unit_price(obj: Any) -> str:
        return f"{obj.unit_price:.2f}"


class DailyRunOut(Schema):
    number: int
    run_on: date
    trigger: str
    rule: dict[str, str]
    order_count: int
    unit_count: int
    allocated_count: int
    unallocated_count: int
    venture_count: int
    total_price: str
    objective: int | None = Field(description="Fen, lead-time and unallocated penalties included.")
    bound: float | None = Field(description="The solver's proven lower bound on the objective.")
    gap: float | None
    solver_status: str
    method: str
    seconds: float
    created_at: datetime

    @staticmethod
    def resolve_total_price(obj: Any) -> str:
        return f"{obj.total_price:.2f}"


class DailyRunRowOut(Schema):
    venture: str | None
    venture_name: str | None
    product: str
    orders: int
    units: int
    unit_price: str | None
    lead_time_days: int | None

    @staticmethod
    def resolve_venture(obj: Any) -> str | None:
        return obj.venture.slug if obj.venture else None

    @staticmethod
    def resolve_venture_name(obj: Any) -> str | None:
        return obj.venture.name if obj.venture else None

    @staticmethod
    def resolve_product(obj: Any) -> str:
        return str(obj.product.slug)

    @staticmethod
    def resolve_unit_price(obj: Any) -> str | None:
        return None if obj.unit_price is None else f"{obj.unit_price:.2f}"


class DailyRunDetailOut(DailyRunOut):
    table: list[DailyRunRowOut]
