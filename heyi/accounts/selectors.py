"""Reads about people: roles, tokens, lookups."""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from heyi.accounts.errors import AccountsErrorCode
from heyi.accounts.models import ApiToken, Role, User, UserRole
from heyi.core.errors import NotFound, PermissionDenied


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def user_is_operator(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_staff or user.is_superuser:
        return True
    return Role.OPERATOR in user_role_list(user=user)


def operator_require(actor: Any, message: str | None = None) -> None:
    """Refuse anyone but an operator (403 `not_operator`): every app's check for operators' work."""
    if not user_is_operator(actor):
        raise PermissionDenied(message or _("Only an operator may do this."), code="not_operator")


def user_role_list(*, user: User) -> list[str]:
    """The roles a person holds, cached on the instance for the request."""
    cached = getattr(user, "_heyi_roles", None)
    if cached is None:
        cached = sorted(UserRole.objects.filter(user=user).values_list("role", flat=True))
        user._heyi_roles = cached  # type: ignore[attr-defined]
    return list(cached)


def user_get(*, uid: uuid.UUID) -> User:
    try:
        return User.objects.get(uid=uid, is_active=True)
    except User.DoesNotExist as error:
        raise NotFound(_("No such person."), code=AccountsErrorCode.USER_NOT_FOUND) from error


def user_get_by_email(*, email: str) -> User:
    try:
        return User.objects.get(email__iexact=email.strip(), is_active=True)
    except User.DoesNotExist as error:
        raise NotFound(_("No such person."), code=AccountsErrorCode.USER_NOT_FOUND) from error


def api_token_list_for_user(*, user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at")


def api_token_authenticate(*, raw: str) -> User | None:
    """The active user behind a presented token, or None. Records when it was last used."""
    if not raw or not raw.startswith("heyi_"):
        return None
    try:
        token = ApiToken.objects.select_related("user").get(
            key_hash=token_hash(raw), revoked_at__isnull=True
        )
    except ApiToken.DoesNotExist:
        return None
    if not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
