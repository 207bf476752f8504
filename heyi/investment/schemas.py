"""API shapes of investment: rounds, commitments, cap tables, traction and bet contracts.

Money is a decimal string ("129.50"), as everywhere in the API.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from ninja import Schema
from pydantic import Field

from heyi.accounts.schemas import PersonOut
from heyi.ventures.schemas import VentureRefOut

DecimalText = str


class RoundOpenIn(Schema):
    amount_sought: DecimalText = Field(..., max_length=20, description='"500000.00"')
    minimum_to_close: DecimalText = Field(
        ..., max_length=20, description="At most the amount sought; below it the round fails."
    )
    pre_money_valuation: DecimalText = Field(..., max_length=20)
    terms: str = Field(..., max_length=8000)
    closes_at: datetime


class RoundOut(Schema):
    uid: uuid.UUID
    venture: VentureRefOut
    number: int
    status: str
    amount_sought: DecimalText
    minimum_to_close: DecimalText
    pre_money_valuation: DecimalText
    currency: str
    terms: str
    opens_at: datetime
    closes_at: datetime
    committed: DecimalText = Field(description="Live commitments while open.")
    commitment_count: int
    raised: DecimalText
    price_per_share: DecimalText | None
    shares_before: int | None
    shares_issued: int
    outcome: str
    closed_at: datetime | None


class CommitmentIn(Schema):
    amount: DecimalText = Field(..., max_length=20)


class CommitmentOut(Schema):
    uid: uuid.UUID
    round: uuid.UUID
    venture: VentureRefOut
    investor: PersonOut
    amount: DecimalText
    status: str
    failure_message: str
    created_at: datetime
    decided_at: datetime | None


class RoundDetailOut(RoundOut):
    commitments: list[CommitmentOut] = Field(
        description="Every commitment for the venture's members; only your own for an investor."
    )


class CapTableRowOut(Schema):
    holder: PersonOut
    kind: str
    shares: int
    percentage: DecimalText
    rounds: list[int]
    paid: DecimalText


class CapTableOut(Schema):
    venture: VentureRefOut
    total_shares: int
    rows: list[CapTableRowOut]


class StatementFiguresOut(Schema):
    revenue: DecimalText
    costs: DecimalText
    marginal_income: DecimalText
    shared_with_members: DecimalText
    shared_with_partners: DecimalText
    profit_retained: DecimalText


class TractionOut(Schema):
    venture: VentureRefOut
    orders_won: int
    units_won: int
    orders_completed: int
    on_time_rate: DecimalText | None = Field(description="A percentage; null without deliveries.")
    fans: int
    users_served: int
    repeat_users: int
    publishes_to_investors: bool
    statements_visible: bool
    statements: StatementFiguresOut | None = Field(
        description="Since founding; only when the venture publishes them to investors "
        "(members and operators always see them)."
    )


class PublishingIn(Schema):
    publishes_to_investors: bool


class BetProposeIn(Schema):
    metric: str = Field(..., description="revenue, users_served, marginal_income or on_time_rate.")
    target: DecimalText = Field(
        ..., max_length=20, description="Money, a count, or a percentage for the on-time rate."
    )
    period_start: datetime
    period_end: datetime
    reward: DecimalText = Field(..., max_length=20)
    stake: DecimalText = Field("0.00", max_length=20)
    sponsor: uuid.UUID | None = Field(
        None, description="An investor's user ID; empty for the platform."
    )
    consequence: str = Field("", max_length=2000)


class BetProgressOut(Schema):
    current: DecimalText
    percent: int
    days_left: int
    elapsed_percent: int


class BetOut(Schema):
    uid: uuid.UUID
    venture: VentureRefOut
    metric: str
    target: DecimalText
    period_start: datetime
    period_end: datetime
    sponsor: PersonOut | None = Field(description="null: the platform.")
    reward: DecimalText
    stake: DecimalText
    currency: str
    status: str
    source: str
    consequence: str
    venture_accepted: bool
    sponsor_accepted: bool
    signed_at: datetime | None
    settled_at: datetime | None
    achieved: DecimalText | None
    progress: BetProgressOut


class HoldingOut(Schema):
    venture: VentureRefOut
    shares: int
    percentage: DecimalText
    paid: DecimalText


class MyInvestmentsOut(Schema):
    commitments: list[CommitmentOut]
    holdings: list[HoldingOut]
