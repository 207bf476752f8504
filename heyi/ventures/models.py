"""Ventures: small self-organised teams, their members, invitations and join requests."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from heyi.core.models import BaseModel, Category


class VentureKind(models.TextChoices):
    MAKER = "maker", _("Maker (production)")
    DESIGN = "design", _("Design studio")
    SUPPLIER = "supplier", _("Supplier of modules")
    DELIVERY = "delivery", _("Delivery (van team)")
    SERVICE = "service", _("Installation and service")


class VentureStatus(models.TextChoices):
    # The lifecycle (PRODUCT.md step 9): incubating → accelerating → raising → spun off, or
    # dissolved from any of them.
    INCUBATING = "incubating", _("Incubating")
    ACCELERATING = "accelerating", _("Accelerating")
    RAISING = "raising", _("Raising")
    SPUN_OFF = "spun_off", _("Spun off")
    DISSOLVED = "dissolved", _("Dissolved")


class Venture(BaseModel):
    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), max_length=140, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=VentureKind.choices)
    mission = models.TextField(_("mission"), max_length=4000)
    city = models.CharField(_("city"), max_length=80, blank=True)
    categories = models.ManyToManyField(Category, related_name="ventures", blank=True)
    capacity_per_day = models.PositiveIntegerField(_("capacity per day"), default=0)
    status = models.CharField(
        _("status"), max_length=20, choices=VentureStatus.choices, default=VentureStatus.INCUBATING
    )
    founded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="founded_ventures"
    )
    member_count = models.PositiveIntegerField(default=0)
    # What the venture shows investors beyond its public record: its statements.
    publishes_to_investors = models.BooleanField(
        _("statements published to investors"), default=False
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("venture")
        verbose_name_plural = _("ventures")

    def __str__(self) -> str:
        return self.name


class MemberRole(models.TextChoices):
    FOUNDER = "founder", _("Founder")
    MEMBER = "member", _("Member")
    CONTRIBUTOR = "contributor", _("Online contributor")


class Membership(BaseModel):
    """A person's time in a venture. Leaving keeps the row, with `left_at` set."""

    venture = models.ForeignKey(Venture, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(
        _("role"), max_length=20, choices=MemberRole.choices, default=MemberRole.MEMBER
    )
    joined_at = models.DateTimeField()
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["joined_at"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["venture", "user"],
                condition=Q(left_at__isnull=True),
                name="ventures_membership_one_active",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.venture}"


class DecisionStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Invitation(BaseModel):
    """A member invites a person; the person accepts or declines."""

    venture = models.ForeignKey(Venture, on_delete=models.CASCADE, related_name="invitations")
    invitee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="venture_invitations"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    message = models.TextField(_("message"), max_length=2000, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=DecisionStatus.choices, default=DecisionStatus.PENDING
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["venture", "invitee"],
                condition=Q(status="pending"),
                name="ventures_invitation_one_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.invitee} invited to {self.venture}"


class JoinRequest(BaseModel):
    """A person asks to join; any active member of the venture decides."""

    venture = models.ForeignKey(Venture, on_delete=models.CASCADE, related_name="join_requests")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="venture_join_requests"
    )
    message = models.TextField(_("message"), max_length=2000, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=DecisionStatus.choices, default=DecisionStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("join request")
        verbose_name_plural = _("join requests")
        constraints = [
            models.UniqueConstraint(
                fields=["venture", "user"],
                condition=Q(status="pending"),
                name="ventures_joinrequest_one_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} asks to join {self.venture}"
