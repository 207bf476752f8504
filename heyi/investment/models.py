"""Funding rounds, investors' commitments, cap tables and bet contracts (issue 6, step 9).

A round is opened by a member of an accelerating venture; investors commit amounts while it is
open and nothing moves in the ledger until it closes. At close the commitments are collected
into the round's escrow and moved to the venture, and shares are issued into the venture's cap
table (`CapTableEntry`, append-only: one row per issue). A bet contract is a target over a
period; signing puts its stake (and an investor sponsor's reward) into the bet's escrow, and a
sweep settles it from the record when the period ends.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from heyi.core.models import BaseModel

# Every venture's cap table starts with this many founder shares, held by its founder.
FOUNDER_SHARES = 1_000_000


class RoundStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


class FundingRound(BaseModel):
    """One funding round of a venture; one is open at a time."""

    venture = models.ForeignKey(
        "ventures.Venture", on_delete=models.PROTECT, related_name="funding_rounds"
    )
    number = models.PositiveIntegerField(_("number"))
    amount_sought = models.DecimalField(_("amount sought"), max_digits=14, decimal_places=2)
    minimum_to_close = models.DecimalField(_("minimum to close"), max_digits=14, decimal_places=2)
    pre_money_valuation = models.DecimalField(
        _("pre-money valuation"), max_digits=16, decimal_places=2
    )
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    terms = models.TextField(_("terms"), max_length=8000)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"), db_index=True)
    status = models.CharField(
        _("status"), max_length=20, choices=RoundStatus.choices, default=RoundStatus.OPEN
    )
    raised = models.DecimalField(_("raised"), max_digits=14, decimal_places=2, default=0)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Set at a successful close: the price per share (pre-money valuation / shares outstanding,
    # rounded to 6 places for reading; shares are computed from the exact fraction) and the
    # shares outstanding before the round.
    price_per_share = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    shares_before = models.PositiveBigIntegerField(null=True, blank=True)
    shares_issued = models.PositiveBigIntegerField(default=0)
    outcome = models.CharField(_("outcome"), max_length=300, blank=True)

    class Meta:
        ordering = ["venture", "-number"]
        verbose_name = _("funding round")
        verbose_name_plural = _("funding rounds")
        constraints = [
            models.UniqueConstraint(
                fields=["venture", "number"], name="investment_round_number_unique"
            ),
            models.UniqueConstraint(
                fields=["venture"],
                condition=Q(status="open"),
                name="investment_round_one_open_per_venture",
            ),
            models.CheckConstraint(
                condition=Q(minimum_to_close__gt=0)
                & Q(minimum_to_close__lte=models.F("amount_sought")),
                name="investment_round_minimum_within_sought",
            ),
            models.CheckConstraint(
                condition=Q(pre_money_valuation__gt=0), name="investment_round_valuation_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.venture} round {self.number}"


class CommitmentStatus(models.TextChoices):
    LIVE = "live", _("Live")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    COLLECTED = "collected", _("Collected")
    FAILED = "failed", _("Payment failed")
    RELEASED = "released", _("Released")
    REFUNDED = "refunded", _("Refunded")


class Commitment(BaseModel):
    """What one investor commits to one round; one live commitment per investor and round."""

    round = models.ForeignKey(FundingRound, on_delete=models.PROTECT, related_name="commitments")
    investor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="commitments"
    )
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    status = models.CharField(
        _("status"), max_length=20, choices=CommitmentStatus.choices, default=CommitmentStatus.LIVE
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    failure_message = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["round", "created_at", "id"]
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "investor"],
                condition=Q(status="live"),
                name="investment_commitment_one_live",
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="investment_commitment_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.investor} → {self.round}: {self.amount}"


class HolderKind(models.TextChoices):
    FOUNDER = "founder", _("Founding team")
    INVESTOR = "investor", _("Investor")


class CapTableEntry(models.Model):
    """One issue of shares to one holder (append-only): the founders' at the first round, and
    each investor's at a round's close."""

    venture = models.ForeignKey(
        "ventures.Venture", on_delete=models.PROTECT, related_name="cap_table_entries"
    )
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="cap_table_entries"
    )
    kind = models.CharField(_("holder"), max_length=10, choices=HolderKind.choices)
    shares = models.PositiveBigIntegerField(_("shares"))
    round = models.ForeignKey(
        FundingRound,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cap_table_entries",
    )
    commitment = models.OneToOneField(
        Commitment, on_delete=models.PROTECT, null=True, blank=True, related_name="cap_table_entry"
    )
    amount_paid = models.DecimalField(_("paid"), max_digits=14, decimal_places=2, default=0)
    issued_at = models.DateTimeField(_("issued at"))

    class Meta:
        ordering = ["venture", "issued_at", "id"]
        verbose_name = _("cap table entry")
        verbose_name_plural = _("cap table entries")
        constraints = [
            models.CheckConstraint(
                condition=Q(shares__gt=0), name="investment_cap_shares_positive"
            ),
            models.UniqueConstraint(
                fields=["venture"],
                condition=Q(kind="founder"),
                name="investment_cap_founders_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.holder}: {self.shares} of {self.venture}"


class BetMetric(models.TextChoices):
    REVENUE = "revenue", _("Revenue")
    USERS_SERVED = "users_served", _("Users served")
    MARGINAL_INCOME = "marginal_income", _("Marginal income")
    ON_TIME_RATE = "on_time_rate", _("On-time rate")


class BetStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACTIVE = "active", _("Active")
    WON = "won", _("Won")
    LOST = "lost", _("Lost")
    CANCELLED = "cancelled", _("Cancelled")


class BetSource(models.TextChoices):
    MANUAL = "manual", _("Agreed by hand")
    AWARD = "award", _("A tender's award")


class BetContract(BaseModel):
    """A venture's bet: reach `target` on `metric` over the period, or bear the consequence.

    The sponsor is an investor (`sponsor` set) or the platform (`sponsor` empty). On success
    the sponsor pays `reward` and the venture's `stake` comes back; on failure the stake goes to
    the sponsor (an investor's reward goes back to them).
    """

    venture = models.ForeignKey(
        "ventures.Venture", on_delete=models.PROTECT, related_name="bet_contracts"
    )
    metric = models.CharField(_("metric"), max_length=20, choices=BetMetric.choices)
    # Money for revenue and marginal income, a count for users served, a percentage (0–100)
    # for the on-time rate.
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=2)
    period_start = models.DateTimeField(_("period starts"))
    period_end = models.DateTimeField(_("period ends"), db_index=True)
    sponsor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sponsored_bets",
    )
    reward = models.DecimalField(_("reward"), max_digits=14, decimal_places=2)
    stake = models.DecimalField(_("stake"), max_digits=14, decimal_places=2, default=0)
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    status = models.CharField(
        _("status"), max_length=20, choices=BetStatus.choices, default=BetStatus.PROPOSED
    )
    source = models.CharField(
        _("source"), max_length=10, choices=BetSource.choices, default=BetSource.MANUAL
    )
    award_line_uid = models.UUIDField(null=True, blank=True, unique=True)
    tender_uid = models.UUIDField(null=True, blank=True)
    consequence = models.TextField(_("consequence"), max_length=2000, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Who accepted for each side (the venture: a member; the sponsor: the investor or an
    # operator for the platform).
    venture_accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sponsor_accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    signed_at = models.DateTimeField(null=True, blank=True)
    settled_at = models.DateTimeField(null=True, blank=True)
    achieved = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["-period_end", "-id"]
        verbose_name = _("bet contract")
        verbose_name_plural = _("bet contracts")
        constraints = [
            models.CheckConstraint(
                condition=Q(target__gt=0), name="investment_bet_target_positive"
            ),
            models.CheckConstraint(
                condition=Q(reward__gte=0) & Q(stake__gte=0),
                name="investment_bet_money_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gt=models.F("period_start")),
                name="investment_bet_period_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.venture}: {self.metric} ≥ {self.target}"
