"""Test helpers for contention: rules, tenders opened through the real services, ventures."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from heyi.accounts.models import User
from heyi.contention.models import SubjectType, Tender
from heyi.contention.scoring import Criterion, Direction, ScoringRule
from heyi.contention.services import tender_create, tender_publish
from heyi.core.services import category_ensure
from heyi.ventures.models import Venture, VentureKind
from heyi.ventures.services import venture_create

# Price counts most, then lead time: the rule the service tests compute scores by hand for.
PRICE_AND_LEAD_TIME = ScoringRule(
    version=1,
    criteria=(
        Criterion("unit_price", Decimal("0.7"), Direction.LOWER_IS_BETTER),
        Criterion("lead_time_days", Decimal("0.3"), Direction.LOWER_IS_BETTER),
    ),
)


def venture_found(*, founder: User, name: str, categories: list[str] | None = None) -> Venture:
    for slug in categories or []:
        category_ensure(slug=slug, name=slug.title())
    return venture_create(
        actor=founder,
        name=name,
        kind=VentureKind.MAKER,
        mission="We build made-to-order refrigerators.",
        city="Qingdao",
        categories=categories or [],
        capacity_per_day=20,
    )


def tender_make(
    *,
    quantity: int = 100,
    rule: ScoringRule = PRICE_AND_LEAD_TIME,
    publish: bool = True,
    opens_in: timedelta = timedelta(minutes=-1),
    closes_in: timedelta = timedelta(days=2),
    **fields: Any,
) -> Tender:
    """A tender on a demand's production; published (and so open) unless told otherwise."""
    now = timezone.now()
    values: dict[str, Any] = {
        "subject_type": SubjectType.DEMAND_PRODUCTION,
        "subject_uid": uuid.uuid4(),
        "demand_uid": uuid.uuid4(),
        "title": "Produce 100 compact fridges",
        "requirements": "A+++ compressor, 120 litres, white.",
        "quantity": quantity,
        "opens_at": now + opens_in,
        "closes_at": now + closes_in,
        "rule": rule,
    }
    values.update(fields)
    tender = tender_create(**values)
    if publish:
        tender = tender_publish(tender=tender)
    return tender
