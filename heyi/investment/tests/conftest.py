"""Fixtures for investment: an accelerating venture, investors, and a provider that declines."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any, cast

import pytest

from conftest import make_user
from heyi.accounts.models import Role
from heyi.contention.tests.factories import venture_found
from heyi.ledger import payments
from heyi.ventures.models import Venture
from heyi.ventures.services import venture_status_change


@pytest.fixture
def venture(owner: Any) -> Venture:
    """The owner's venture, accelerating: ready to open a round."""
    found = venture_found(founder=owner, name="Cold Chain Makers", categories=["kitchen"])
    return venture_status_change(venture=found, actor=owner, status="accelerating")


@pytest.fixture
def investor(db: Any) -> Any:
    return make_user("ivy@example.com", name="Investor Ivy", roles=[Role.INVESTOR])


@pytest.fixture
def investor_two(db: Any) -> Any:
    return make_user("ian@example.com", name="Investor Ian", roles=[Role.INVESTOR])


@pytest.fixture
def investor_three(db: Any) -> Any:
    return make_user("iris@example.com", name="Investor Iris", roles=[Role.INVESTOR])


class DecliningProvider(payments.TestProvider):
    """The test provider, except that charges for the listed idempotency-key suffixes are
    declined, as a card would be."""

    def __init__(self) -> None:
        self.declined: set[str] = set()
        self.charges: list[tuple[str, Decimal]] = []

    def charge(
        self, *, amount: Decimal, currency: str, method: str, reference: str, idempotency_key: str
    ) -> payments.ProviderResult:
        self.charges.append((idempotency_key, amount))
        if any(idempotency_key.endswith(suffix) for suffix in self.declined):
            method = "test-card-declined"
        return super().charge(
            amount=amount,
            currency=currency,
            method=method,
            reference=reference,
            idempotency_key=idempotency_key,
        )


@pytest.fixture
def provider() -> Iterator[DecliningProvider]:
    installed = DecliningProvider()
    payments.provider_set(cast(payments.PaymentProvider, installed))
    yield installed
    payments.provider_set(None)
