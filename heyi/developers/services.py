"""Writes of developers: registering an app and its OAuth2 clients, review by operators,
suspension, and users' consent (grants) with the revocation of the tokens behind them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import AccessToken, Application, Grant, RefreshToken
from oauth2_provider.settings import oauth2_settings
from oauth2_provider.validators import AllowedURIValidator

from heyi.accounts.models import Role, User
from heyi.accounts.selectors import operator_require as accounts_operator_require
from heyi.core.access import Scope
from heyi.core.audit import audit_record
from heyi.core.errors import InvalidInput, PermissionDenied
from heyi.developers.errors import DevelopersError, DevelopersErrorCode
from heyi.developers.models import AppGrant, AppStatus, DeveloperApp, Environment
from heyi.developers.selectors import app_can_manage, client_usable, grantable_devices
from heyi.devices.models import Device
from heyi.notifications.services import notification_send

MAX_REDIRECT_URIS = 10
# Scopes that act on devices: asking for any of them means the user must pick devices.
DEVICE_SCOPES = frozenset(scope.value for scope in Scope)


@dataclass(frozen=True, slots=True)
class AppIn:
    """What a developer says about an app; the same for registering and editing."""

    name: str
    description: str
    homepage_url: str
    redirect_uris: Sequence[str]


def _app_url(app: DeveloperApp) -> str:
    return f"/developers/apps/{app.uid}/"


def _require_owner(app: DeveloperApp, actor: Any) -> None:
    if not app_can_manage(actor, app):
        raise PermissionDenied(
            _("Only the app's developer may do this."), code=DevelopersErrorCode.APP_NOT_OWNER
        )


def operator_require(actor: Any) -> None:
    """Operators review, approve, refuse, suspend and reinstate apps."""
    accounts_operator_require(actor, _("Only operators review apps."))


def _status_conflict(app: DeveloperApp) -> DevelopersError:
    return DevelopersError(
        DevelopersErrorCode.APP_STATUS_CONFLICT,
        _("Not possible while the app is “%(status)s”.") % {"status": app.get_status_display()},
    )


def redirect_uris_clean(uris: Iterable[str]) -> list[str]:
    """Redirect URIs as DOT will match them: absolute, an allowed scheme, no fragment."""
    cleaned: list[str] = []
    validator = AllowedURIValidator(
        oauth2_settings.ALLOWED_REDIRECT_URI_SCHEMES,
        name="redirect URI",
        allow_path=True,
        allow_query=True,
    )
    for raw in uris:
        uri = raw.strip()
        if not uri or uri in cleaned:
            continue
        if any(character.isspace() for character in uri) or "@" in uri:
            raise InvalidInput(
                _("Redirect URI %(uri)s is not valid.") % {"uri": uri},
                code=DevelopersErrorCode.REDIRECT_URI_INVALID,
            )
        try:
            validator(uri)
        except ValidationError as error:
            raise InvalidInput(
                _("Redirect URI %(uri)s is not valid: %(reason)s")
                % {"uri": uri, "reason": " ".join(error.messages)},
                code=DevelopersErrorCode.REDIRECT_URI_INVALID,
            ) from error
        cleaned.append(uri)
    if not cleaned:
        raise InvalidInput(
            _("Give at least one redirect URI."), code=DevelopersErrorCode.REDIRECT_URI_MISSING
        )
    if len(cleaned) > MAX_REDIRECT_URIS:
        raise InvalidInput(
            _("At most %(count)d redirect URIs.") % {"count": MAX_REDIRECT_URIS},
            code=DevelopersErrorCode.REDIRECT_URI_INVALID,
        )
    return cleaned


def _app_in_clean(data: AppIn) -> AppIn:
    name = data.name.strip()
    if not 2 <= len(name) <= 80:
        raise InvalidInput(
            _("The name needs 2 to 80 characters."), code=DevelopersErrorCode.APP_NAME_INVALID
        )
    description = data.description.strip()
    if not 10 <= len(description) <= 2000:
        raise InvalidInput(
            _("Say what the app does in 10 to 2000 characters."),
            code=DevelopersErrorCode.APP_DESCRIPTION_INVALID,
        )
    homepage = data.homepage_url.strip()
    if homepage and not homepage.startswith(("https://", "http://")):
        raise InvalidInput(
            _("The home page must be an http(s) address."),
            code=DevelopersErrorCode.HOMEPAGE_INVALID,
        )
    return AppIn(
        name=name,
        description=description,
        homepage_url=homepage[:200],
        redirect_uris=redirect_uris_clean(data.redirect_uris),
    )


def _client_create(
    *, owner: Any, name: str, redirect_uris: Sequence[str], confidential: bool
) -> tuple[Application, str | None]:
    """A DOT client for the authorization-code grant. DOT hashes a confidential client's secret
    on save, so the raw secret is returned here and shown once."""
    secret = generate_client_secret() if confidential else ""
    client = Application.objects.create(
        user=owner,
        name=name[:255],
        redirect_uris=" ".join(redirect_uris),
        client_type=Application.CLIENT_CONFIDENTIAL if confidential else Application.CLIENT_PUBLIC,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        client_secret=secret,
        skip_authorization=False,
    )
    return client, (secret or None)


def app_register(
    *, actor: Any, data: AppIn, confidential: bool = False
) -> tuple[DeveloperApp, str | None]:
    """A signed-in person registers an app; it gets its test client at once.

    Public clients (PKCE, no secret) are the default: a secret in a phone or desktop app is no
    secret. A confidential client's secret is returned once; only its hash is kept.
    """
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Sign in to register an app."))
    data = _app_in_clean(data)
    with transaction.atomic():
        client, secret = _client_create(
            owner=actor, name=data.name, redirect_uris=data.redirect_uris, confidential=confidential
        )
        app = DeveloperApp.objects.create(
            owner=actor,
            name=data.name,
            description=data.description,
            homepage_url=data.homepage_url,
            test_client=client,
        )
        audit_record(
            type="developers.app.registered",
            summary=_("App %(name)s registered.") % {"name": app.name},
            actor=actor,
            subject=app,
            data={"confidential": confidential, "redirect_uris": list(data.redirect_uris)},
            is_public=False,
        )
    return app, secret


def _clients(app: DeveloperApp) -> list[Application]:
    return [client for client in (app.test_client, app.production_client) if client is not None]


def app_update(*, app: DeveloperApp, actor: Any, data: AppIn) -> DeveloperApp:
    """The developer edits the app; redirect URIs change on both clients."""
    _require_owner(app, actor)
    data = _app_in_clean(data)
    with transaction.atomic():
        app.name = data.name
        app.description = data.description
        app.homepage_url = data.homepage_url
        app.save(update_fields=["name", "description", "homepage_url", "updated_at"])
        for client in _clients(app):
            client.name = data.name[:255]
            client.redirect_uris = " ".join(data.redirect_uris)
            client.save(update_fields=["name", "redirect_uris", "updated"])
        audit_record(
            type="developers.app.updated",
            summary=_("App %(name)s updated.") % {"name": app.name},
            actor=actor,
            subject=app,
            data={"redirect_uris": list(data.redirect_uris)},
            is_public=False,
        )
    return app


def app_secret_roll(*, app: DeveloperApp, actor: Any, environment: str) -> str:
    """A new secret for a confidential client, shown once; the old one stops working."""
    _require_owner(app, actor)
    client = app.test_client if environment == Environment.TEST else app.production_client
    if client is None or client.client_type != Application.CLIENT_CONFIDENTIAL:
        raise DevelopersError(
            DevelopersErrorCode.APP_NOT_CONFIDENTIAL,
            _("This client is public: it has no secret, it proves itself with PKCE."),
        )
    secret = generate_client_secret()
    with transaction.atomic():
        client.client_secret = secret
        client.save(update_fields=["client_secret", "updated"])
        audit_record(
            type="developers.app.secret_rolled",
            summary=_("A new %(environment)s secret for %(name)s.")
            % {"environment": environment, "name": app.name},
            actor=actor,
            subject=app,
            is_public=False,
        )
    return secret


def _operators() -> list[Any]:
    """Who reviews apps: staff and people holding the operator role."""
    return list(
        User.objects.filter(is_active=True)
        .filter(Q(is_staff=True) | Q(roles__role=Role.OPERATOR))
        .distinct()
    )


def app_review_request(*, app: DeveloperApp, actor: Any) -> DeveloperApp:
    """The developer asks for production credentials; operators are told."""
    _require_owner(app, actor)
    with transaction.atomic():
        locked = DeveloperApp.objects.select_for_update().get(pk=app.pk)
        if locked.status not in (AppStatus.TEST, AppStatus.REJECTED):
            raise _status_conflict(locked)
        locked.status = AppStatus.IN_REVIEW
        locked.review_requested_at = timezone.now()
        locked.save(update_fields=["status", "review_requested_at", "updated_at"])
        audit_record(
            type="developers.app.review_requested",
            summary=_("Review of %(name)s requested.") % {"name": locked.name},
            actor=actor,
            subject=locked,
            is_public=False,
        )
        for operator in _operators():
            notification_send(
                user=operator,
                kind="developers.app.review_requested",
                title=_("An app waits for review: %(name)s") % {"name": locked.name},
                url="/developers/review/",
                email=False,
            )
    _refresh(app, locked)
    return app


def _refresh(app: DeveloperApp, locked: DeveloperApp) -> None:
    """Copy the locked row's fields onto the caller's instance."""
    for field in (
        "status",
        "review_requested_at",
        "reviewed_at",
        "reviewed_by_id",
        "review_note",
        "production_client_id",
    ):
        setattr(app, field, getattr(locked, field))
    if locked.production_client_id is not None:
        app.production_client = locked.production_client


def app_approve(*, app: DeveloperApp, actor: Any, note: str = "") -> DeveloperApp:
    """An operator approves the app: it gets its production client (same kind and redirect URIs
    as its test client). A confidential app's developer then makes its production secret."""
    operator_require(actor)
    with transaction.atomic():
        locked = (
            DeveloperApp.objects.select_for_update(of=("self",))
            .select_related("test_client")
            .get(pk=app.pk)
        )
        if locked.status != AppStatus.IN_REVIEW:
            raise _status_conflict(locked)
        if locked.production_client is None:
            client, _secret = _client_create(
                owner=locked.owner,
                name=locked.name,
                redirect_uris=locked.test_client.redirect_uris.split(),
                confidential=locked.test_client.client_type == Application.CLIENT_CONFIDENTIAL,
            )
            locked.production_client = client
        locked.status = AppStatus.PRODUCTION
        locked.reviewed_at = timezone.now()
        locked.reviewed_by = actor
        locked.review_note = note.strip()[:500]
        locked.save()
        audit_record(
            type="developers.app.approved",
            summary=_("App %(name)s approved for production.") % {"name": locked.name},
            actor=actor,
            subject=locked,
            is_public=False,
        )
        notification_send(
            user=locked.owner,
            kind="developers.app.approved",
            title=_("%(name)s is approved for production") % {"name": locked.name},
            body=locked.review_note,
            url=_app_url(locked),
        )
    _refresh(app, locked)
    return app


def app_refuse(*, app: DeveloperApp, actor: Any, note: str) -> DeveloperApp:
    """An operator refuses the review with a note saying why; the test client keeps working."""
    operator_require(actor)
    note = note.strip()
    if not note:
        raise InvalidInput(
            _("Say why the app is refused."), code=DevelopersErrorCode.REVIEW_NOTE_MISSING
        )
    with transaction.atomic():
        locked = DeveloperApp.objects.select_for_update().get(pk=app.pk)
        if locked.status != AppStatus.IN_REVIEW:
            raise _status_conflict(locked)
        locked.status = AppStatus.REJECTED
        locked.reviewed_at = timezone.now()
        locked.reviewed_by = actor
        locked.review_note = note[:500]
        locked.save()
        audit_record(
            type="developers.app.refused",
            summary=_("Review of %(name)s refused.") % {"name": locked.name},
            actor=actor,
            subject=locked,
            data={"note": locked.review_note},
            is_public=False,
        )
        notification_send(
            user=locked.owner,
            kind="developers.app.refused",
            title=_("%(name)s was not approved") % {"name": locked.name},
            body=locked.review_note,
            url=_app_url(locked),
        )
    _refresh(app, locked)
    return app


def tokens_revoke(*, clients: Sequence[Application], user: Any = None) -> int:
    """Revoke the clients' refresh and access tokens and unredeemed codes (for one user, or for
    everybody). Refresh tokens go through DOT's own revoke, which also deletes the access token
    bound to them. Returns how many tokens went."""
    if not clients:
        return 0
    refresh_tokens = RefreshToken.objects.filter(application__in=clients, revoked__isnull=True)
    access_tokens = AccessToken.objects.filter(application__in=clients)
    codes = Grant.objects.filter(application__in=clients)
    if user is not None:
        refresh_tokens = refresh_tokens.filter(user=user)
        access_tokens = access_tokens.filter(user=user)
        codes = codes.filter(user=user)
    count = 0
    for refresh_token in refresh_tokens:
        refresh_token.revoke()
        count += 1
    deleted, _per_model = access_tokens.delete()
    codes.delete()
    return count + deleted


def app_suspend(*, app: DeveloperApp, actor: Any, note: str) -> DeveloperApp:
    """An operator suspends an app: every token of both clients is revoked at once, and no new
    one is issued (consent refuses, and token lookups ignore suspended apps)."""
    operator_require(actor)
    note = note.strip()
    if not note:
        raise InvalidInput(
            _("Say why the app is suspended."), code=DevelopersErrorCode.REVIEW_NOTE_MISSING
        )
    with transaction.atomic():
        locked = (
            DeveloperApp.objects.select_for_update(of=("self",))
            .select_related("test_client", "production_client")
            .get(pk=app.pk)
        )
        if locked.status == AppStatus.SUSPENDED:
            raise _status_conflict(locked)
        locked.status = AppStatus.SUSPENDED
        locked.reviewed_at = timezone.now()
        locked.reviewed_by = actor
        locked.review_note = note[:500]
        locked.save()
        revoked = tokens_revoke(clients=_clients(locked))
        audit_record(
            type="developers.app.suspended",
            summary=_("App %(name)s suspended.") % {"name": locked.name},
            actor=actor,
            subject=locked,
            data={"note": locked.review_note, "tokens_revoked": revoked},
            is_public=False,
        )
        notification_send(
            user=locked.owner,
            kind="developers.app.suspended",
            title=_("%(name)s is suspended") % {"name": locked.name},
            body=locked.review_note,
            url=_app_url(locked),
        )
    _refresh(app, locked)
    return app


def app_reinstate(*, app: DeveloperApp, actor: Any) -> DeveloperApp:
    """An operator lifts a suspension: back to production if it had been approved, else test.
    Users must connect again (their tokens were revoked); live grants stay."""
    operator_require(actor)
    with transaction.atomic():
        locked = DeveloperApp.objects.select_for_update().get(pk=app.pk)
        if locked.status != AppStatus.SUSPENDED:
            raise _status_conflict(locked)
        locked.status = (
            AppStatus.PRODUCTION if locked.production_client_id is not None else AppStatus.TEST
        )
        locked.reviewed_at = timezone.now()
        locked.reviewed_by = actor
        locked.save()
        audit_record(
            type="developers.app.reinstated",
            summary=_("App %(name)s reinstated.") % {"name": locked.name},
            actor=actor,
            subject=locked,
            is_public=False,
        )
        notification_send(
            user=locked.owner,
            kind="developers.app.reinstated",
            title=_("%(name)s is no longer suspended") % {"name": locked.name},
            url=_app_url(locked),
        )
    _refresh(app, locked)
    return app


def scopes_clean(scopes: Iterable[str]) -> list[str]:
    """Known scopes, in the settings' order, without repeats."""
    asked = [scope for scope in scopes if scope]
    known = list(oauth2_settings.SCOPES)
    unknown = sorted(set(asked) - set(known))
    if unknown:
        raise InvalidInput(
            _("Unknown scope: %(scopes)s.") % {"scopes": ", ".join(unknown)},
            code=DevelopersErrorCode.SCOPE_UNKNOWN,
        )
    if not asked:
        raise InvalidInput(_("No scope was asked for."), code=DevelopersErrorCode.SCOPE_MISSING)
    return [scope for scope in known if scope in asked]


def consent_check(
    *, app: DeveloperApp, user: Any, environment: str, scopes: Iterable[str]
) -> list[str]:
    """May `user` grant `app` anything at all in `environment`? Raises the reason if not;
    returns the cleaned scopes. Checked when the consent page opens and again on allowing."""
    if not client_usable(app, environment):
        raise DevelopersError(
            DevelopersErrorCode.APP_SUSPENDED,
            _("%(name)s cannot be connected now.") % {"name": app.name},
            status=403,
        )
    if environment == Environment.TEST and user.pk != app.owner_id:
        raise PermissionDenied(
            _(
                "%(name)s is still in test: only its developer can connect it, to their own "
                "devices. Ask the developer to have it approved for everybody."
            )
            % {"name": app.name},
            code=DevelopersErrorCode.TEST_CLIENT_OWNER_ONLY,
        )
    return scopes_clean(scopes)


def grant_consent(
    *,
    app: DeveloperApp,
    user: Any,
    environment: str,
    scopes: Iterable[str],
    devices: Iterable[Device],
) -> AppGrant:
    """The user allows the app: the live grant for app, user and environment is created or
    replaced (scopes and devices are what the user chose this time, not a union)."""
    cleaned = consent_check(app=app, user=user, environment=environment, scopes=scopes)
    chosen = list({device.pk: device for device in devices}.values())
    allowed_ids = set(
        grantable_devices(user=user, app=app, environment=environment).values_list("pk", flat=True)
    )
    if any(device.pk not in allowed_ids for device in chosen):
        raise InvalidInput(
            _("You can only connect devices you own."),
            code=DevelopersErrorCode.DEVICE_NOT_GRANTABLE,
        )
    if DEVICE_SCOPES & set(cleaned) and not chosen:
        raise InvalidInput(
            _("Choose at least one device for %(name)s.") % {"name": app.name},
            code=DevelopersErrorCode.DEVICES_MISSING,
        )
    with transaction.atomic():
        grant = (
            AppGrant.objects.select_for_update()
            .filter(app=app, user=user, environment=environment, revoked_at__isnull=True)
            .first()
        )
        created = grant is None
        if grant is None:
            try:
                with transaction.atomic():
                    grant = AppGrant.objects.create(
                        app=app, user=user, environment=environment, scopes=cleaned
                    )
            except IntegrityError:
                # Another consent for the same app landed first; update that one.
                grant = AppGrant.objects.select_for_update().get(
                    app=app, user=user, environment=environment, revoked_at__isnull=True
                )
                created = False
        grant.scopes = cleaned
        grant.save(update_fields=["scopes", "updated_at"])
        grant.devices.set(chosen)
        audit_record(
            type="developers.grant.given" if created else "developers.grant.changed",
            summary=_("%(name)s connected.") % {"name": app.name},
            actor=user,
            subject=grant,
            data={
                "app": str(app.uid),
                "environment": environment,
                "scopes": cleaned,
                "devices": sorted(device.serial for device in chosen),
            },
            is_public=False,
        )
    return grant


def grant_revoke(*, grant: AppGrant, actor: Any) -> AppGrant:
    """The user disconnects an app: the grant ends and the app's tokens for this user go."""
    if getattr(actor, "pk", None) != grant.user_id:
        raise PermissionDenied(_("Only the person who connected the app may disconnect it."))
    with transaction.atomic():
        locked = (
            AppGrant.objects.select_for_update(of=("self",))
            .select_related("app__test_client", "app__production_client")
            .get(pk=grant.pk)
        )
        if locked.revoked_at is not None:
            grant.revoked_at = locked.revoked_at
            return grant
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at", "updated_at"])
        client = (
            locked.app.test_client
            if locked.environment == Environment.TEST
            else locked.app.production_client
        )
        revoked = tokens_revoke(clients=[client] if client is not None else [], user=grant.user)
        audit_record(
            type="developers.grant.revoked",
            summary=_("%(name)s disconnected.") % {"name": locked.app.name},
            actor=actor,
            subject=locked,
            data={"tokens_revoked": revoked},
            is_public=False,
        )
    grant.revoked_at = locked.revoked_at
    return grant
