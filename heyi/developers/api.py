"""The JSON API of developers: registering apps and their review (people and operators, never
apps), and each person's connected apps. OAuth2 itself lives at /oauth/ (not under /api/v1/)."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from heyi.developers import selectors, services
from heyi.developers.models import AppGrant, DeveloperApp
from heyi.developers.schemas import (
    AppCreatedOut,
    AppIn,
    AppOut,
    AppUpdateIn,
    GrantOut,
    ReviewIn,
    SecretIn,
    SecretOut,
)
from heyi.developers.scopes import scope_words

# The default REQUIRED_AUTH: an app's OAuth2 token is refused here (401), whatever its scopes.
router = Router(tags=["developers"])


def _app_out(app: DeveloperApp, secret: str | None = None) -> dict[str, Any]:
    return {
        "uid": app.uid,
        "name": app.name,
        "description": app.description,
        "homepage_url": app.homepage_url,
        "status": app.status,
        "developer": app.owner.name,
        "client_type": app.test_client.client_type,
        "test_client_id": app.test_client.client_id,
        "production_client_id": app.production_client.client_id
        if app.production_client is not None
        else None,
        "redirect_uris": app.test_client.redirect_uris.split(),
        "review_requested_at": app.review_requested_at,
        "reviewed_at": app.reviewed_at,
        "review_note": app.review_note,
        "created_at": app.created_at,
        "client_secret": secret,
    }


def _grant_out(grant: AppGrant) -> dict[str, Any]:
    return {
        "uid": grant.uid,
        "app": {
            "uid": grant.app.uid,
            "name": grant.app.name,
            "developer": grant.app.owner.name,
            "homepage_url": grant.app.homepage_url,
        },
        "environment": grant.environment,
        "scopes": [
            {"scope": scope, "description": words}
            for scope, words in scope_words(list(grant.scopes))
        ],
        "devices": sorted(device.serial for device in grant.devices.all()),
        "created_at": grant.created_at,
        "updated_at": grant.updated_at,
    }


@router.get("/apps", response=list[AppOut])
def app_list(request: HttpRequest) -> Any:
    """The apps I registered."""
    return [_app_out(app) for app in selectors.app_list_for_owner(user=request.user)]


@router.post("/apps", response={201: AppCreatedOut})
def app_register(request: HttpRequest, payload: AppIn) -> Any:
    """Register an app; its test client exists at once. A confidential client's secret is in
    this answer only."""
    app, secret = services.app_register(
        actor=request.user,
        data=services.AppIn(
            name=payload.name,
            description=payload.description,
            homepage_url=payload.homepage_url,
            redirect_uris=payload.redirect_uris,
        ),
        confidential=payload.confidential,
    )
    return Status(201, _app_out(app, secret))


# Declared before /apps/{uid}.
@router.get("/apps/review-queue", response=list[AppOut])
def app_review_queue(request: HttpRequest) -> Any:
    """Apps waiting for review, oldest first (operators)."""
    services.operator_require(request.user)
    return [_app_out(app) for app in selectors.app_review_queue()]


@router.get("/apps/{uid}", response=AppOut)
def app_get(request: HttpRequest, uid: uuid.UUID) -> Any:
    """One of my apps (or any app, for an operator)."""
    return _app_out(selectors.app_get_for_user(uid=uid, user=request.user))


@router.put("/apps/{uid}", response=AppOut)
def app_update(request: HttpRequest, uid: uuid.UUID, payload: AppUpdateIn) -> Any:
    """Change the app's name, description, home page and redirect URIs (both clients)."""
    app = selectors.app_get_for_user(uid=uid, user=request.user)
    services.app_update(
        app=app,
        actor=request.user,
        data=services.AppIn(
            name=payload.name,
            description=payload.description,
            homepage_url=payload.homepage_url,
            redirect_uris=payload.redirect_uris,
        ),
    )
    return _app_out(app)


@router.post("/apps/{uid}/secret", response=SecretOut)
def app_secret_roll(request: HttpRequest, uid: uuid.UUID, payload: SecretIn) -> Any:
    """A new secret for a confidential client, shown once; the old one stops working."""
    app = selectors.app_get_for_user(uid=uid, user=request.user)
    secret = services.app_secret_roll(app=app, actor=request.user, environment=payload.environment)
    client = app.test_client if payload.environment == "test" else app.production_client
    assert client is not None
    return {"client_id": client.client_id, "client_secret": secret}


@router.post("/apps/{uid}/review", response=AppOut)
def app_review_request(request: HttpRequest, uid: uuid.UUID) -> Any:
    """Ask an operator to approve the app for production."""
    app = selectors.app_get_for_user(uid=uid, user=request.user)
    return _app_out(services.app_review_request(app=app, actor=request.user))


@router.post("/apps/{uid}/approve", response=AppOut)
def app_approve(request: HttpRequest, uid: uuid.UUID, payload: ReviewIn) -> Any:
    """An operator approves the app: it gets its production client."""
    app = selectors.app_get_for_user(uid=uid, user=request.user)
    return _app_out(services.app_approve(app=app, actor=request.user, note=payload.note))


@router.post("/apps/{uid}/refuse", response=AppOut)
def app_refuse(request: HttpRequest, uid: uuid.UUID, payload: ReviewIn) -> Any:
    """An operator refuses the review, saying why."""
    app = selectors.app_get_for_user(uid=uid, user=request.user)
    return _app_out(services.app_refuse(app=app, actor=request.user, note=payload.note))


@router.post("/apps/{uid}/suspend", response=AppOut)
def app_suspend(request: HttpRequest, uid: uuid.UUID, payload: ReviewIn) -> Any:
    """An operator suspends the app; all its tokens are revoked."""
    app = selectors.app_get_for_user(uid=uid, user=request.user)
    return _app_out(services.app_suspend(app=app, actor=request.user, note=payload.note))


@router.post("/apps/{uid}/reinstate", response=AppOut)
def app_reinstate(request: HttpRequest, uid: uuid.UUID) -> Any:
    """An operator lifts a suspension."""
    app = selectors.app_get_for_user(uid=uid, user=request.user)
    return _app_out(services.app_reinstate(app=app, actor=request.user))


@router.get("/me/apps", response=list[GrantOut])
def grant_list(request: HttpRequest) -> Any:
    """The apps I connected (live grants), with their scopes and devices."""
    return [_grant_out(grant) for grant in selectors.grant_list_for_user(user=request.user)]


@router.delete("/me/apps/{uid}", response={204: None})
def grant_revoke(request: HttpRequest, uid: uuid.UUID) -> Any:
    """Disconnect an app: the grant ends and its tokens for me are revoked."""
    grant = selectors.grant_get_for_user(uid=uid, user=request.user)
    services.grant_revoke(grant=grant, actor=request.user)
    return Status(204, None)
