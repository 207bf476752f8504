"""Accounts, postings and their lines: the append-only double-entry record (ADR 10).

A posting and its lines are written once, by `services.posting_record`, and never changed:
the model refuses a second save and any delete, the query set refuses bulk updates and deletes,
and database triggers refuse UPDATE and DELETE on both tables (migration 0002). A mistake is put
right by a reversing posting. Each account keeps its running balance, changed only by
`posting_record` with a conditional UPDATE, and a check constraint keeps the kinds that may not
go below zero at or above it.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from heyi.core.models import BaseModel
from heyi.ledger.posting import NEVER_NEGATIVE, AccountKind


class AccountKindChoice(models.TextChoices):
    USER_WALLET = AccountKind.USER_WALLET.value, _("User wallet")
    VENTURE = AccountKind.VENTURE.value, _("Venture")
    SUPPLIER = AccountKind.SUPPLIER.value, _("Supplier")
    INVESTOR = AccountKind.INVESTOR.value, _("Investor")
    ESCROW = AccountKind.ESCROW.value, _("Escrow")
    PLATFORM = AccountKind.PLATFORM.value, _("Platform")
    EXTERNAL = AccountKind.EXTERNAL.value, _("Outside the platform")


class Account(BaseModel):
    """One party's money in one currency; `key` names it stably (`wallet:<user uid>`, …)."""

    key = models.CharField(max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=AccountKindChoice.choices)
    name = models.CharField(_("name"), max_length=200)
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ledger_accounts",
    )
    venture = models.ForeignKey(
        "ventures.Venture",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ledger_accounts",
    )
    balance = models.DecimalField(_("balance"), max_digits=18, decimal_places=2, default=0)

    class Meta:
        ordering = ["kind", "key"]
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        constraints = [
            models.UniqueConstraint(fields=["key", "currency"], name="ledger_account_key_unique"),
            models.CheckConstraint(
                condition=~Q(kind__in=sorted(kind.value for kind in NEVER_NEGATIVE))
                | Q(balance__gte=0),
                name="ledger_account_not_overdrawn",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.currency})"


class AppendOnlyQuerySet(models.QuerySet[Any]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise TypeError("Ledger rows are append-only: post a reversing posting instead.")

    def delete(self) -> NoReturn:
        raise TypeError("Ledger rows are append-only: post a reversing posting instead.")


class AppendOnly(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise TypeError("Ledger rows are append-only: post a reversing posting instead.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError("Ledger rows are append-only: post a reversing posting instead.")


class PostingKind(models.TextChoices):
    PAYMENT = "payment", _("Payment")
    ESCROW = "escrow", _("Into escrow")
    ESCROW_TRANSFER = "escrow_transfer", _("Escrow moved to the order")
    REFUND = "refund", _("Refund")
    PAYOUT = "payout", _("Paid out")
    SETTLEMENT = "settlement", _("Order settled by its share rule")
    COMPENSATION = "compensation", _("Compensation for a missed promise")
    MEMBER_PAY = "member_pay", _("Members' pay")
    INVESTMENT = "investment", _("Investment")
    BET = "bet", _("Bet contract")
    REVERSAL = "reversal", _("Reversal")


class Posting(AppendOnly, BaseModel):
    """One balanced movement of money: two or more lines summing to zero per currency."""

    idempotency_key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=PostingKind.choices, db_index=True)
    memo = models.CharField(_("memo"), max_length=300)
    posted_at = models.DateTimeField(_("posted at"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # What the money moved for: an order (most postings), and a subject of any kind (a
    # pre-order, a funding round, a bet contract, a compensation).
    order_uid = models.UUIDField(null=True, blank=True, db_index=True)
    subject_type = models.CharField(max_length=40, blank=True)
    subject_uid = models.UUIDField(null=True, blank=True, db_index=True)
    reverses = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by"
    )

    class Meta:
        ordering = ["posted_at", "id"]
        verbose_name = _("posting")
        verbose_name_plural = _("postings")

    def __str__(self) -> str:
        return f"{self.posted_at:%Y-%m-%d} {self.kind}: {self.memo}"


class PostingLine(AppendOnly):
    """What one posting adds to one account (negative: takes away), and the rule term behind it."""

    posting = models.ForeignKey(Posting, on_delete=models.PROTECT, related_name="lines")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="lines")
    amount = models.DecimalField(_("amount"), max_digits=18, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    term = models.CharField(_("rule term"), max_length=60, blank=True)

    class Meta:
        ordering = ["posting", "id"]
        verbose_name = _("posting line")
        verbose_name_plural = _("posting lines")
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="ledger_line_not_zero"),
            models.UniqueConstraint(
                fields=["posting", "account"], name="ledger_line_one_per_account"
            ),
        ]
        indexes = [models.Index(fields=["account", "posting"])]

    def __str__(self) -> str:
        return f"{self.account.key} {self.amount} {self.currency}"


class PaymentKind(models.TextChoices):
    CHARGE = "charge", _("Charge")
    REFUND = "refund", _("Refund")


class PaymentStatus(models.TextChoices):
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


class Payment(BaseModel):
    """One call to the payment provider (a charge or a refund) and what it answered."""

    provider = models.CharField(_("provider"), max_length=40)
    kind = models.CharField(_("kind"), max_length=10, choices=PaymentKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="payments"
    )
    amount = models.DecimalField(_("amount"), max_digits=18, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    status = models.CharField(_("status"), max_length=10, choices=PaymentStatus.choices)
    idempotency_key = models.CharField(max_length=200, unique=True)
    provider_ref = models.CharField(_("provider reference"), max_length=120, blank=True)
    # A refund names the charge it gives back.
    charge = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="refunds"
    )
    failure_code = models.CharField(max_length=60, blank=True)
    failure_message = models.CharField(max_length=300, blank=True)
    subject_type = models.CharField(max_length=40, blank=True)
    subject_uid = models.UUIDField(null=True, blank=True, db_index=True)
    posting = models.ForeignKey(
        Posting, on_delete=models.PROTECT, null=True, blank=True, related_name="payments"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="ledger_payment_positive")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount} {self.currency} ({self.status})"


class ShareRuleScope(models.TextChoices):
    # The rates operators publish for what comes next (a new version each time)...
    DEFAULT_PRODUCTION = "default_production", _("Default for production tenders")
    DEFAULT_STANDARD = "default_standard", _("Default for standard products")
    # ...and the frozen copy published with one production tender.
    TENDER = "tender", _("Published with a tender")


class ShareRule(BaseModel):
    """A published value equation (`share.ShareTerms`), frozen once written."""

    scope = models.CharField(_("scope"), max_length=20, choices=ShareRuleScope.choices)
    tender_uid = models.UUIDField(null=True, blank=True, unique=True)
    terms = models.JSONField(_("terms"))
    fingerprint = models.CharField(max_length=64)
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    published_at = models.DateTimeField(_("published at"), db_index=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("share rule")
        verbose_name_plural = _("share rules")
        constraints = [
            models.CheckConstraint(
                condition=~Q(scope="tender") | Q(tender_uid__isnull=False),
                name="ledger_sharerule_tender_has_uid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.published_at:%Y-%m-%d} ({self.fingerprint[:8]})"
