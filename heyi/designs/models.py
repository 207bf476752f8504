"""Co-design: claims on a demand, rounds, proposals with versions, votes and the selection."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from heyi.core.models import BaseModel
from heyi.demands.models import Demand
from heyi.ventures.models import Venture


class ClaimStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Claim(BaseModel):
    """A designer (a person, or a person acting for a venture) takes up a demand."""

    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="claims")
    claimant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="claims"
    )
    venture = models.ForeignKey(
        Venture, on_delete=models.PROTECT, null=True, blank=True, related_name="claims"
    )
    note = models.TextField(_("note"), max_length=2000, blank=True)
    status = models.CharField(
        max_length=20, choices=ClaimStatus.choices, default=ClaimStatus.ACTIVE
    )

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["demand", "claimant"],
                condition=Q(status="active", venture__isnull=True),
                name="designs_claim_one_per_person",
            ),
            models.UniqueConstraint(
                fields=["demand", "venture"],
                condition=Q(status="active", venture__isnull=False),
                name="designs_claim_one_per_venture",
            ),
        ]

    def __str__(self) -> str:
        who = self.venture or self.claimant
        return f"{who} claims {self.demand}"


class RoundStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Round(BaseModel):
    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="design_rounds")
    number = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=10, choices=RoundStatus.choices, default=RoundStatus.OPEN)
    closes_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["demand", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["demand", "number"], name="designs_round_unique_number"
            ),
            models.UniqueConstraint(
                fields=["demand"], condition=Q(status="open"), name="designs_round_one_open"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.demand} round {self.number}"


class Proposal(BaseModel):
    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="proposals")
    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="proposals")
    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="proposals")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="proposals"
    )
    venture = models.ForeignKey(
        Venture, on_delete=models.PROTECT, null=True, blank=True, related_name="proposals"
    )
    title = models.CharField(_("title"), max_length=160)
    vote_count = models.PositiveIntegerField(default=0)
    comment_count = models.PositiveIntegerField(default=0)
    current_version_number = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["round__number", "created_at"]

    def __str__(self) -> str:
        return self.title


class ProposalVersion(BaseModel):
    """One kept version of a proposal: text, price, modules, options and pictures."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField()
    summary = models.TextField(_("description"), max_length=10000)
    base_price = models.DecimalField(
        _("estimated base price"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    currency = models.CharField(max_length=3, default="CNY")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["proposal", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "number"], name="designs_version_unique_number"
            ),
            models.CheckConstraint(
                condition=Q(base_price__gt=0), name="designs_version_price_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.proposal} v{self.number}"


class VersionPicture(BaseModel):
    version = models.ForeignKey(ProposalVersion, on_delete=models.CASCADE, related_name="pictures")
    image = models.ImageField(upload_to="designs/%Y/%m/")
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.caption or self.image.name


class Module(models.Model):
    """A line of the proposal's module list (its bill of materials)."""

    version = models.ForeignKey(ProposalVersion, on_delete=models.CASCADE, related_name="modules")
    name = models.CharField(_("module"), max_length=120)
    description = models.CharField(_("description"), max_length=500, blank=True)
    quantity = models.PositiveIntegerField(default=1)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.name}"


class Option(models.Model):
    """A configurator choice: within a group (colour, capacity, panel) one value, with its delta."""

    version = models.ForeignKey(ProposalVersion, on_delete=models.CASCADE, related_name="options")
    group = models.CharField(_("option group"), max_length=60)
    value = models.CharField(_("value"), max_length=80)
    price_delta = models.DecimalField(
        _("price change"), max_digits=12, decimal_places=2, default=Decimal("0")
    )
    is_default = models.BooleanField(default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["group", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "group", "value"], name="designs_option_unique_value"
            ),
            models.UniqueConstraint(
                fields=["version", "group"],
                condition=Q(is_default=True),
                name="designs_option_one_default_per_group",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group}: {self.value} ({self.price_delta:+})"


class Vote(models.Model):
    """One vote per person per round, enforced by the database."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="votes")
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="votes")
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="design_votes"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "voter"], name="designs_vote_once_per_round")
        ]

    def __str__(self) -> str:
        return f"{self.voter} → {self.proposal}"


class ProposalComment(BaseModel):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    body = models.TextField(_("comment"), max_length=5000)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.author}: {self.body[:40]}"


class SelectionMethod(models.TextChoices):
    AUTHOR = "author", _("Picked by the author")
    VOTE = "vote", _("Picked by the vote")


class Selection(BaseModel):
    """The chosen design of a demand: one proposal version, chosen once."""

    demand = models.OneToOneField(Demand, on_delete=models.CASCADE, related_name="selection")
    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="+")
    version = models.ForeignKey(ProposalVersion, on_delete=models.PROTECT, related_name="+")
    method = models.CharField(max_length=10, choices=SelectionMethod.choices)
    selected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.demand} → {self.version}"
