"""Reads of developers: apps by owner and by OAuth2 client, the review queue, users' grants, and
what an app's access token reaches."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from oauth2_provider.models import AccessToken, Application

from heyi.accounts.selectors import user_is_operator
from heyi.core.access import ApiAccess
from heyi.core.errors import NotFound
from heyi.developers.errors import DevelopersErrorCode
from heyi.developers.models import AppGrant, AppStatus, DeveloperApp, Environment
from heyi.devices.models import Device, DeviceStatus


def _app_not_found() -> NotFound:
    return NotFound(_("No such app."), code=DevelopersErrorCode.APP_NOT_FOUND)


def app_get(*, uid: uuid.UUID) -> DeveloperApp:
    app = (
        DeveloperApp.objects.select_related("owner", "test_client", "production_client")
        .filter(uid=uid)
        .first()
    )
    if app is None:
        raise _app_not_found()
    return app


def app_get_for_user(*, uid: uuid.UUID, user: Any) -> DeveloperApp:
    """An app seen by its developer or by an operator; to anyone else it does not exist."""
    app = app_get(uid=uid)
    if not app_can_manage(user, app) and not user_is_operator(user):
        raise _app_not_found()
    return app


def app_can_manage(user: Any, app: DeveloperApp) -> bool:
    """Only the developer who registered the app changes it or asks for its review."""
    return bool(getattr(user, "is_authenticated", False)) and app.owner_id == user.pk


def app_list_for_owner(*, user: Any) -> QuerySet[DeveloperApp]:
    if not getattr(user, "is_authenticated", False):
        return DeveloperApp.objects.none()
    return DeveloperApp.objects.filter(owner=user).select_related(
        "test_client", "production_client"
    )


def app_review_queue() -> QuerySet[DeveloperApp]:
    """Apps waiting for an operator, oldest request first."""
    return (
        DeveloperApp.objects.filter(status=AppStatus.IN_REVIEW)
        .select_related("owner", "test_client")
        .order_by("review_requested_at", "id")
    )


@dataclass(frozen=True, slots=True)
class ClientApp:
    """The heyi app behind one OAuth2 client, and which of its environments the client is."""

    app: DeveloperApp
    environment: str


def app_for_client(*, client: Application | None) -> ClientApp | None:
    """The app a DOT client belongs to (its test or its production client), or None."""
    if client is None:
        return None
    app = (
        DeveloperApp.objects.select_related("owner", "test_client", "production_client")
        .filter(test_client=client)
        .first()
    )
    if app is not None:
        return ClientApp(app=app, environment=Environment.TEST)
    app = (
        DeveloperApp.objects.select_related("owner", "test_client", "production_client")
        .filter(production_client=client)
        .first()
    )
    if app is not None:
        return ClientApp(app=app, environment=Environment.PRODUCTION)
    return None


def client_usable(app: DeveloperApp, environment: str) -> bool:
    """A suspended app's clients do nothing; a production client only works while the app is in
    production (it exists only once approved), the test client in every other state."""
    if app.status == AppStatus.SUSPENDED:
        return False
    if environment == Environment.PRODUCTION:
        return app.status == AppStatus.PRODUCTION and app.production_client_id is not None
    return True


def grantable_devices(*, user: Any, app: DeveloperApp, environment: str) -> QuerySet[Device]:
    """The devices `user` may hand to `app` at consent.

    Only devices the user owns: granting an app is sharing with a third party, and sharing is
    the owner's act in heyi (members a device was shared with may not share it on, and no app
    may share). A test client reaches its developer's own devices only, so for anybody else the
    list is empty.
    """
    if not getattr(user, "is_authenticated", False):
        return Device.objects.none()
    if environment == Environment.TEST and user.pk != app.owner_id:
        return Device.objects.none()
    return (
        Device.objects.filter(owner=user, status=DeviceStatus.BOUND)
        .select_related("model")
        .order_by("serial")
    )


def grant_live_get(*, app: DeveloperApp, user: Any, environment: str) -> AppGrant | None:
    return AppGrant.objects.filter(
        app=app, user=user, environment=environment, revoked_at__isnull=True
    ).first()


def grant_list_for_user(*, user: Any) -> QuerySet[AppGrant]:
    """The user's live grants ("Connected apps"), newest first, with apps and devices."""
    if not getattr(user, "is_authenticated", False):
        return AppGrant.objects.none()
    return (
        AppGrant.objects.filter(user=user, revoked_at__isnull=True)
        .select_related("app", "app__owner")
        .prefetch_related("devices")
    )


def grant_get_for_user(*, uid: uuid.UUID, user: Any) -> AppGrant:
    """One of the user's live grants; anybody else's does not exist for them."""
    grant = grant_list_for_user(user=user).filter(uid=uid).first()
    if grant is None:
        raise NotFound(_("No such connected app."), code=DevelopersErrorCode.GRANT_NOT_FOUND)
    return grant


def _grant_device_ids(grant: AppGrant, app: DeveloperApp) -> frozenset[int]:
    """The granted devices the grant's user still owns (a device given away or unbound leaves
    the grant's reach); for a test grant also owned by the developer."""
    devices = grant.devices.filter(owner_id=grant.user_id, status=DeviceStatus.BOUND)
    if grant.environment == Environment.TEST:
        devices = devices.filter(owner_id=app.owner_id)
    return frozenset(devices.values_list("pk", flat=True))


def access_for_token(*, raw: str) -> tuple[Any, ApiAccess] | None:
    """What a presented OAuth2 access token reaches, or None if it reaches nothing.

    DOT 3 stores the SHA-256 checksum of each token and looks tokens up by it (as its own
    validator does); the token must be unexpired, belong to an app's usable client, and the
    user's grant for that app and environment must still be live. Scopes are the token's
    narrowed by the grant's, so a grant narrowed later also narrows older tokens.
    """
    if not raw or raw.startswith("heyi_"):
        return None
    checksum = hashlib.sha256(raw.encode("utf-8")).hexdigest()
    token = (
        AccessToken.objects.select_related("application", "user")
        .filter(token_checksum=checksum)
        .first()
    )
    if token is None or token.is_expired() or token.user is None or not token.user.is_active:
        return None
    found = app_for_client(client=token.application)
    if found is None or not client_usable(found.app, found.environment):
        return None
    grant = grant_live_get(app=found.app, user=token.user, environment=found.environment)
    if grant is None:
        return None
    scopes = frozenset(token.scope.split()) & frozenset(grant.scopes)
    access = ApiAccess(
        app_id=found.app.pk,
        grant_id=grant.pk,
        environment=found.environment,
        scopes=scopes,
        device_ids=_grant_device_ids(grant, found.app),
    )
    return token.user, access
