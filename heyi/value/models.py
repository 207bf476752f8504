"""Settlements of completed orders by their share rule, and ventures' pay rules and members' pay.

A settlement is written once per order, with the ledger posting that moved the escrow; its split
lines keep every term of the value equation (`heyi.ledger.share`) with the party it went to, so
the value split page and the statements read them back instead of recomputing.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from heyi.core.models import BaseModel


class Settlement(BaseModel):
    """The split of one completed order's escrow."""

    order = models.OneToOneField(
        "orders.Order", on_delete=models.PROTECT, related_name="settlement"
    )
    share_rule = models.ForeignKey("ledger.ShareRule", on_delete=models.PROTECT, related_name="+")
    posting = models.OneToOneField("ledger.Posting", on_delete=models.PROTECT, related_name="+")
    # The maker venture (none for an order served from stock), for the statements' queries.
    venture = models.ForeignKey(
        "ventures.Venture",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="settlements",
    )
    total = models.DecimalField(_("total"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    settled_at = models.DateTimeField(_("settled at"), db_index=True)

    class Meta:
        ordering = ["-settled_at", "-id"]
        verbose_name = _("settlement")
        verbose_name_plural = _("settlements")
        indexes = [models.Index(fields=["venture", "settled_at"])]

    def __str__(self) -> str:
        return f"Settlement of order {self.order_id}"


class SplitParty(models.TextChoices):
    PLATFORM = "platform", _("The platform")
    VENTURE = "venture", _("A venture")
    USER = "user", _("A person")


class SplitLine(models.Model):
    """One term of the value equation for one order: who received it, how much, and why."""

    settlement = models.ForeignKey(Settlement, on_delete=models.PROTECT, related_name="lines")
    party = models.CharField(_("party"), max_length=10, choices=SplitParty.choices)
    venture = models.ForeignKey(
        "ventures.Venture", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    term = models.CharField(_("rule term"), max_length=40)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    basis = models.CharField(_("basis"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["settlement", "position"]
        verbose_name = _("split line")
        verbose_name_plural = _("split lines")
        indexes = [models.Index(fields=["venture", "term"])]
        constraints = [
            models.CheckConstraint(
                condition=(Q(party="venture") & Q(venture__isnull=False) & Q(user__isnull=True))
                | (Q(party="user") & Q(user__isnull=False) & Q(venture__isnull=True))
                | (Q(party="platform") & Q(user__isnull=True) & Q(venture__isnull=True)),
                name="value_splitline_one_party",
            )
        ]

    def __str__(self) -> str:
        return f"{self.term} {self.amount}"


class PayBasis(models.TextChoices):
    EQUAL = "equal", _("In equal parts among the members who worked on the order")
    STEPS = "steps", _("By the steps each member recorded on the order")


class PayRule(BaseModel):
    """A venture's own published rule for its members' pay; a new version each time it changes."""

    venture = models.ForeignKey(
        "ventures.Venture", on_delete=models.PROTECT, related_name="pay_rules"
    )
    # The part of the venture's net income on an order that goes to the people who worked on it.
    pool_percent = models.DecimalField(_("members' pool (%)"), max_digits=5, decimal_places=2)
    basis = models.CharField(_("split"), max_length=10, choices=PayBasis.choices)
    published_at = models.DateTimeField(_("published at"), db_index=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["venture", "-published_at", "-id"]
        verbose_name = _("pay rule")
        verbose_name_plural = _("pay rules")
        constraints = [
            models.CheckConstraint(
                condition=Q(pool_percent__gte=0) & Q(pool_percent__lte=100),
                name="value_payrule_pool_percent",
            )
        ]

    def __str__(self) -> str:
        return f"{self.venture}: {self.pool_percent}% {self.basis}"


class PayLine(models.Model):
    """One member's pay for one settled order: a cell of the people–order–pay table."""

    settlement = models.ForeignKey(Settlement, on_delete=models.PROTECT, related_name="pay_lines")
    venture = models.ForeignKey("ventures.Venture", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    rule = models.ForeignKey(PayRule, on_delete=models.PROTECT, related_name="lines")
    steps = models.PositiveIntegerField(_("steps recorded"), default=0)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    posting = models.ForeignKey("ledger.Posting", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["settlement", "user"]
        verbose_name = _("pay line")
        verbose_name_plural = _("pay lines")
        constraints = [
            models.UniqueConstraint(fields=["settlement", "user"], name="value_payline_once"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="value_payline_positive"),
        ]
        indexes = [models.Index(fields=["venture", "user"])]

    def __str__(self) -> str:
        return f"{self.user} {self.amount}"
