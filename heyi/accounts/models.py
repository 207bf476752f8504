"""People on the platform, the roles they hold and their personal API tokens."""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    USER = "user", _("User")
    MAKER = "maker", _("Maker")
    SUPPLIER = "supplier", _("Supplier")
    INVESTOR = "investor", _("Investor")
    DEVELOPER = "developer", _("Developer")
    OPERATOR = "operator", _("Operator")


class HeyiUserManager(UserManager["User"]):
    """Users sign in with their e-mail address; the username is derived and never shown."""

    def create_user(self, username=None, email=None, password=None, **extra_fields):  # type: ignore[no-untyped-def,override]
        return super().create_user(
            username or (email or "").lower(), email, password, **extra_fields
        )

    def create_superuser(self, username=None, email=None, password=None, **extra_fields):  # type: ignore[no-untyped-def,override]
        return super().create_superuser(
            username or (email or "").lower(), email, password, **extra_fields
        )


class User(AbstractUser):
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField(_("e-mail address"), unique=True)
    display_name = models.CharField(_("display name"), max_length=80, blank=True)
    city = models.CharField(_("city"), max_length=80, blank=True)
    bio = models.TextField(_("about"), max_length=2000, blank=True)

    objects = HeyiUserManager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.email

    @property
    def name(self) -> str:
        return self.display_name or self.email.split("@")[0]


class UserRole(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="accounts_userrole_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"


class ApiToken(models.Model):
    """A personal token for programs. Only a hash is stored; the secret is shown once."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=80)
    prefix = models.CharField(max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
