"""Models of developers: an app, its OAuth2 credentials per environment, and users' grants."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from heyi.core.models import BaseModel


class AppStatus(models.TextChoices):
    TEST = "test", _("Test: the developer's own devices only")
    IN_REVIEW = "in_review", _("Waiting for review")
    PRODUCTION = "production", _("Production")
    REJECTED = "rejected", _("Review refused")
    SUSPENDED = "suspended", _("Suspended")


class Environment(models.TextChoices):
    TEST = "test", _("Test")
    PRODUCTION = "production", _("Production")


class DeveloperApp(BaseModel):
    """An outside developer's app. Its test credentials reach only the developer's own devices;
    production credentials exist once an operator has approved the app."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="developer_apps"
    )
    name = models.CharField(_("name"), max_length=80)
    description = models.TextField(_("what it does"), max_length=2000)
    homepage_url = models.URLField(_("home page"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=AppStatus.choices, default=AppStatus.TEST
    )
    # django-oauth-toolkit's clients, one per environment (public clients with PKCE, or
    # confidential ones with a secret shown once).
    test_client = models.OneToOneField(
        settings.OAUTH2_PROVIDER_APPLICATION_MODEL,
        on_delete=models.PROTECT,
        related_name="heyi_app_test",
    )
    production_client = models.OneToOneField(
        settings.OAUTH2_PROVIDER_APPLICATION_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="heyi_app_production",
    )
    review_requested_at = models.DateTimeField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    review_note = models.CharField(_("review note"), max_length=500, blank=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("developer app")
        verbose_name_plural = _("developer apps")

    def __str__(self) -> str:
        return self.name


class AppGrant(BaseModel):
    """What one user let one app do, in one environment: scopes, and exactly which devices.

    A token of the app for this user reaches no further than its live grant; revoking the grant
    (the user's "remove access") revokes the app's tokens for that user at once.
    """

    app = models.ForeignKey(DeveloperApp, on_delete=models.CASCADE, related_name="grants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="app_grants"
    )
    environment = models.CharField(max_length=12, choices=Environment.choices)
    scopes = models.JSONField(_("scopes"), default=list)
    devices = models.ManyToManyField("devices.Device", related_name="app_grants", blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("app grant")
        verbose_name_plural = _("app grants")
        constraints = [
            models.UniqueConstraint(
                fields=["app", "user", "environment"],
                condition=models.Q(revoked_at__isnull=True),
                name="developers_one_live_grant",
            )
        ]

    def __str__(self) -> str:
        return f"{self.app_id} → {self.user_id} ({self.environment})"
