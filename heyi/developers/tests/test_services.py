"""Services of developers: registering apps and their clients, the review, suspension, grants."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.hashers import check_password
from oauth2_provider.models import Application

from heyi.core.errors import DomainError
from heyi.core.models import AuditEvent
from heyi.developers.models import AppGrant, AppStatus, DeveloperApp
from heyi.developers.services import (
    AppIn,
    app_approve,
    app_refuse,
    app_register,
    app_reinstate,
    app_review_request,
    app_secret_roll,
    app_suspend,
    grant_consent,
)
from heyi.developers.tests.factories import REDIRECT_URI, app_make, bound_devices, model_make
from heyi.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _data(**changes: Any) -> AppIn:
    values: dict[str, Any] = {
        "name": "Fridge Watch",
        "description": "Charts of your fridge's temperature.",
        "homepage_url": "",
        "redirect_uris": [REDIRECT_URI],
    }
    return AppIn(**(values | changes))


def test_registering_makes_a_public_pkce_test_client(owner: Any) -> None:
    app, secret = app_register(actor=owner, data=_data())

    client = app.test_client
    assert secret is None
    assert (app.status, app.production_client) == (AppStatus.TEST, None)
    assert (client.client_type, client.authorization_grant_type) == ("public", "authorization-code")
    assert (client.redirect_uris, client.user_id) == (REDIRECT_URI, owner.pk)
    assert list(
        AuditEvent.objects.filter(type__startswith="developers.").values_list("type", flat=True)
    ) == ["developers.app.registered"]


def test_confidential_secret_is_shown_once_and_kept_hashed(owner: Any) -> None:
    app, secret = app_register(actor=owner, data=_data(), confidential=True)

    stored = Application.objects.get(pk=app.test_client.pk).client_secret
    assert secret is not None and len(secret) > 30
    assert stored != secret
    assert check_password(secret, stored)
    rolled = app_secret_roll(app=app, actor=owner, environment="test")
    assert check_password(rolled, Application.objects.get(pk=app.test_client.pk).client_secret)
    assert not check_password(secret, Application.objects.get(pk=app.test_client.pk).client_secret)


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"name": " "}, "app_name_invalid"),
        ({"description": "short"}, "app_description_invalid"),
        ({"homepage_url": "ftp://x.example"}, "app_homepage_invalid"),
        ({"redirect_uris": []}, "redirect_uri_missing"),
        ({"redirect_uris": ["not a uri"]}, "redirect_uri_invalid"),
        ({"redirect_uris": ["https://app.example/cb#fragment"]}, "redirect_uri_invalid"),
        ({"redirect_uris": ["javascript:alert(1)"]}, "redirect_uri_invalid"),
    ],
)
def test_bad_registrations_write_nothing(owner: Any, changes: dict[str, Any], code: str) -> None:
    with pytest.raises(DomainError) as caught:
        app_register(actor=owner, data=_data(**changes))

    assert caught.value.code == code
    assert (DeveloperApp.objects.count(), Application.objects.count()) == (0, 0)


def test_review_approved_makes_the_production_client_and_tells_the_developer(
    operator: Any, owner: Any
) -> None:
    app, _secret = app_make(owner)

    app_review_request(app=app, actor=owner)
    told_operators = list(Notification.objects.filter(user=operator).values_list("kind", flat=True))
    app_approve(app=app, actor=operator, note="Looks good.")

    app.refresh_from_db()
    assert app.status == AppStatus.PRODUCTION
    assert app.production_client is not None
    assert app.production_client.client_id != app.test_client.client_id
    assert app.production_client.redirect_uris == REDIRECT_URI
    assert (app.reviewed_by, app.review_note) == (operator, "Looks good.")
    assert told_operators == ["developers.app.review_requested"]
    assert list(Notification.objects.filter(user=owner).values_list("kind", "url")) == [
        ("developers.app.approved", f"/developers/apps/{app.uid}/")
    ]


def test_refusal_needs_a_note_and_keeps_the_test_client(operator: Any, owner: Any) -> None:
    app, _secret = app_make(owner)
    app_review_request(app=app, actor=owner)

    with pytest.raises(DomainError) as missing:
        app_refuse(app=app, actor=operator, note="  ")
    app_refuse(app=app, actor=operator, note="No privacy policy on the home page.")

    app.refresh_from_db()
    assert missing.value.code == "review_note_missing"
    assert (app.status, app.production_client) == (AppStatus.REJECTED, None)
    assert Notification.objects.get(user=owner).body == "No privacy policy on the home page."
    app_review_request(app=app, actor=owner)
    assert DeveloperApp.objects.get(pk=app.pk).status == AppStatus.IN_REVIEW


def test_only_operators_decide_and_only_the_developer_asks(
    operator: Any, owner: Any, rival: Any
) -> None:
    app, _secret = app_make(owner)

    with pytest.raises(DomainError) as stranger_asks:
        app_review_request(app=app, actor=rival)
    app_review_request(app=app, actor=owner)
    with pytest.raises(DomainError) as developer_approves:
        app_approve(app=app, actor=owner)
    with pytest.raises(DomainError) as asked_twice:
        app_review_request(app=app, actor=owner)

    assert stranger_asks.value.code == "app_not_owner"
    assert developer_approves.value.code == "not_operator"
    assert asked_twice.value.code == "app_status_conflict"
    assert DeveloperApp.objects.get(pk=app.pk).status == AppStatus.IN_REVIEW


def test_suspension_and_reinstatement(operator: Any, owner: Any) -> None:
    app, _secret = app_make(owner)
    app_review_request(app=app, actor=owner)
    app_approve(app=app, actor=operator)

    app_suspend(app=app, actor=operator, note="Abuse reports.")
    suspended = DeveloperApp.objects.get(pk=app.pk).status
    app_reinstate(app=app, actor=operator)

    assert suspended == AppStatus.SUSPENDED
    assert DeveloperApp.objects.get(pk=app.pk).status == AppStatus.PRODUCTION
    assert list(Notification.objects.filter(user=owner).values_list("kind", flat=True)) == [
        "developers.app.reinstated",
        "developers.app.suspended",
        "developers.app.approved",
    ]


def test_consent_rules(operator: Any, owner: Any, rival: Any) -> None:
    model = model_make(operator)
    (mine,) = bound_devices(model, owner)
    (theirs,) = bound_devices(model, rival)
    app, _secret = app_make(owner)

    codes = {}
    cases: dict[str, dict[str, Any]] = {
        "unknown scope": {"scopes": ["devices:read", "orders:write"], "devices": [mine]},
        "no device": {"scopes": ["devices:read"], "devices": []},
        "someone else's device": {"scopes": ["devices:read"], "devices": [theirs]},
    }
    for name, kwargs in cases.items():
        with pytest.raises(DomainError) as caught:
            grant_consent(app=app, user=owner, environment="test", **kwargs)
        codes[name] = caught.value.code
    with pytest.raises(DomainError) as stranger:
        grant_consent(
            app=app, user=rival, environment="test", scopes=["devices:read"], devices=[theirs]
        )

    assert codes == {
        "unknown scope": "scope_unknown",
        "no device": "devices_missing",
        "someone else's device": "device_not_grantable",
    }
    assert stranger.value.code == "test_client_owner_only"
    assert AppGrant.objects.count() == 0
    grant = grant_consent(
        app=app,
        user=owner,
        environment="test",
        scopes=["commands:send", "devices:read", "devices:read"],
        devices=[mine],
    )
    assert grant.scopes == ["devices:read", "commands:send"]
