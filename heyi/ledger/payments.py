"""The payment-provider interface, and the test provider used here (no real gateway).

A provider charges a payment method and refunds a charge. Every call carries an idempotency
key, so a retried call answers with the first call's result and never charges twice; a real
provider (Alipay, WeChat Pay, a card acquirer) is plugged in by writing a class with these two
methods and naming it in `HEYI_PAYMENT_PROVIDER`. The ledger records each call as a `Payment`
row and posts the money it moved (`heyi.ledger.services.payment_collect`, `refund_to_payer`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True, slots=True)
class ProviderResult:
    ok: bool
    provider_ref: str
    failure_code: str = ""
    failure_message: str = ""


class PaymentProvider(Protocol):
    name: str
    # The methods a person may choose on the pages: (value, label).
    methods: tuple[tuple[str, str], ...]
    default_method: str

    def charge(
        self, *, amount: Decimal, currency: str, method: str, reference: str, idempotency_key: str
    ) -> ProviderResult: ...

    def refund(
        self, *, charge_ref: str, amount: Decimal, currency: str, idempotency_key: str
    ) -> ProviderResult: ...


class TestProvider:
    """A deterministic stand-in for a gateway, in the manner of card networks' test numbers.

    `test-card` always succeeds; `test-card-declined` is always declined; `test-card-error`
    fails as a gateway outage would. References derive from the idempotency key, so a retried
    call gets the same reference, as a real gateway's idempotent API answers.
    """

    name = "test"
    methods = (
        ("test-card", "Test card (always accepted)"),
        ("test-card-declined", "Test card (always declined)"),
    )
    default_method = "test-card"

    def _ref(self, prefix: str, idempotency_key: str) -> str:
        return f"{prefix}_{hashlib.sha256(idempotency_key.encode()).hexdigest()[:24]}"

    def charge(
        self, *, amount: Decimal, currency: str, method: str, reference: str, idempotency_key: str
    ) -> ProviderResult:
        if method == "test-card-declined":
            return ProviderResult(
                ok=False,
                provider_ref=self._ref("test_ch", idempotency_key),
                failure_code="card_declined",
                failure_message="The card was declined.",
            )
        if method == "test-card-error":
            return ProviderResult(
                ok=False,
                provider_ref="",
                failure_code="provider_unavailable",
                failure_message="The payment provider did not answer.",
            )
        if method != "test-card":
            return ProviderResult(
                ok=False,
                provider_ref="",
                failure_code="method_unknown",
                failure_message=f"Unknown payment method {method!r}.",
            )
        return ProviderResult(ok=True, provider_ref=self._ref("test_ch", idempotency_key))

    def refund(
        self, *, charge_ref: str, amount: Decimal, currency: str, idempotency_key: str
    ) -> ProviderResult:
        return ProviderResult(ok=True, provider_ref=self._ref("test_re", idempotency_key))


_provider: PaymentProvider | None = None


def provider_get() -> PaymentProvider:
    global _provider
    if _provider is None:
        path = getattr(settings, "HEYI_PAYMENT_PROVIDER", "heyi.ledger.payments.TestProvider")
        _provider = import_string(path)()
    return _provider


def provider_set(provider: PaymentProvider | None) -> None:
    """Swap the provider (tests); None goes back to the configured one."""
    global _provider
    _provider = provider
