"""Writes about people: profiles, roles and API tokens."""

from __future__ import annotations

import secrets
import uuid

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from heyi.accounts.errors import AccountsError, AccountsErrorCode
from heyi.accounts.models import ApiToken, Role, User, UserRole
from heyi.accounts.selectors import token_hash
from heyi.core.audit import audit_record
from heyi.core.errors import NotFound
from heyi.core.text import text_clean

# Roles a person may take on by themselves; `operator` is granted by the platform.
SELF_SERVICE_ROLES = {Role.USER, Role.MAKER, Role.SUPPLIER, Role.INVESTOR, Role.DEVELOPER}


@transaction.atomic
def user_create(
    *,
    email: str,
    password: str | None,
    display_name: str = "",
    city: str = "",
    roles: list[str] | None = None,
    is_staff: bool = False,
    email_verified: bool = False,
    password_hash: str | None = None,
) -> User:
    """Create a person with the `user` role plus any others asked for.

    `email_verified` is for people whose address is already known to be theirs (the demo world,
    operators created from the command line); everyone else confirms it through allauth.
    `password_hash` sets an already hashed password (the demo world hashes its one password once).
    """
    user = User.objects.create_user(
        email=email.strip().lower(),
        password=password,
        display_name=display_name.strip(),
        city=city.strip(),
        is_staff=is_staff,
    )
    if password_hash is not None:
        user.password = password_hash
        user.save(update_fields=["password"])
    wanted = {Role.USER, *(Role(r) for r in roles or [])}
    UserRole.objects.bulk_create([UserRole(user=user, role=r) for r in sorted(wanted)])
    if email_verified:
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    audit_record(
        type="accounts.user.joined", summary=f"{user.name} joined", actor=user, subject=user
    )
    return user


@transaction.atomic
def user_profile_update(*, user: User, display_name: str, city: str = "", bio: str = "") -> User:
    user.display_name = text_clean(value=display_name, field=_("Display name"), max_length=80)
    user.city = text_clean(value=city, field=_("City"), max_length=80, required=False)
    user.bio = text_clean(value=bio, field=_("About"), max_length=2000, required=False)
    user.save(update_fields=["display_name", "city", "bio"])
    return user


@transaction.atomic
def user_roles_set(*, user: User, roles: list[str], by: User | None = None) -> list[str]:
    """Set the self-service roles a person holds. Operator is kept as it was."""
    wanted: set[Role] = set()
    for raw in roles:
        try:
            role = Role(raw)
        except ValueError as error:
            raise AccountsError(
                AccountsErrorCode.ROLE_UNKNOWN,
                _("Unknown role: %(role)s") % {"role": raw},
                status=422,
            ) from error
        if role not in SELF_SERVICE_ROLES:
            raise AccountsError(
                AccountsErrorCode.ROLE_RESERVED,
                _("The operator role is granted by the platform, not chosen."),
                status=403,
            )
        wanted.add(role)
    wanted.add(Role.USER)
    current = set(
        UserRole.objects.select_for_update().filter(user=user).values_list("role", flat=True)
    )
    keep_operator = {Role.OPERATOR} if Role.OPERATOR in current else set()
    target = {str(r) for r in wanted | keep_operator}
    UserRole.objects.filter(user=user).exclude(role__in=target).delete()
    UserRole.objects.bulk_create(
        [UserRole(user=user, role=r) for r in sorted(target - current)], ignore_conflicts=True
    )
    if hasattr(user, "_heyi_roles"):
        del user._heyi_roles
    audit_record(
        type="accounts.user.roles_changed",
        summary=f"{user.name} now holds {', '.join(sorted(target))}",
        actor=by or user,
        subject=user,
        data={"roles": sorted(target)},
        is_public=False,
    )
    return sorted(target)


@transaction.atomic
def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token and return it with its secret, which is never shown again."""
    name = text_clean(value=name, field=_("Token name"), max_length=80)
    raw = "heyi_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, prefix=raw[:12], key_hash=token_hash(raw))
    audit_record(
        type="accounts.api_token.created",
        summary=f"token {name} created",
        actor=user,
        subject=token,
        is_public=False,
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, user: User, token_uid: uuid.UUID) -> ApiToken:
    try:
        token = ApiToken.objects.select_for_update().get(uid=token_uid, user=user)
    except ApiToken.DoesNotExist as error:
        raise NotFound(_("No such token."), code=AccountsErrorCode.TOKEN_NOT_FOUND) from error
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            type="accounts.api_token.revoked",
            summary=f"token {token.name} revoked",
            actor=user,
            subject=token,
            is_public=False,
        )
    return token
