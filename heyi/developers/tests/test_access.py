"""What an app's token reaches: only the granted devices and scopes, only device endpoints,
and nothing once the grant is revoked, the app suspended or the token expired."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from oauth2_provider.models import AccessToken, RefreshToken

from heyi.developers.models import AppGrant, Environment
from heyi.developers.services import app_suspend, grant_revoke
from heyi.developers.tests.factories import (
    OAuthClient,
    app_in_production,
    app_make,
    bound_devices,
    model_make,
)

pytestmark = pytest.mark.django_db


def _production(app: Any) -> OAuthClient:
    return OAuthClient(client_id=app.production_client.client_id)


def test_other_peoples_devices_stay_unreachable_even_by_serial(
    operator: Any, owner: Any, rival: Any
) -> None:
    model = model_make(operator)
    (mine,) = bound_devices(model, owner)
    (theirs,) = bound_devices(model, rival)
    oauth = _production(app_in_production(rival, operator))
    token = oauth.tokens_for(owner, "devices:read commands:send", [mine])["access_token"]

    seen = oauth.api("get", f"devices/{theirs.serial}", token)
    desired = oauth.api(
        "put", f"devices/{theirs.serial}/desired", token, {"values": {"power": True}}
    )

    assert (seen.status_code, seen.json()["code"]) == (404, "device_not_found")
    assert (desired.status_code, desired.json()["code"]) == (404, "device_not_found")


def test_an_operators_grant_reaches_only_what_the_operator_granted(
    operator: Any, owner: Any, rival: Any
) -> None:
    # Operators may look at any device in person (support); an app acting for one may not.
    model = model_make(operator)
    (own,) = bound_devices(model, operator)
    (someone_elses,) = bound_devices(model, rival)
    oauth = _production(app_in_production(owner, operator))
    token = oauth.tokens_for(operator, "devices:read", [own])["access_token"]

    listed = oauth.api("get", "devices", token)
    seen = oauth.api("get", f"devices/{someone_elses.serial}", token)

    assert [item["serial"] for item in listed.json()] == [own.serial]
    assert (seen.status_code, seen.json()["code"]) == (404, "device_not_found")


def test_another_apps_token_does_not_use_this_grant(operator: Any, owner: Any, rival: Any) -> None:
    first_device, second_device = bound_devices(model_make(operator), owner, 2)
    first = _production(app_in_production(rival, operator, name="First"))
    second = _production(app_in_production(rival, operator, name="Second"))
    first_token = first.tokens_for(owner, "devices:read", [first_device])["access_token"]
    second_token = second.tokens_for(owner, "devices:read", [second_device])["access_token"]

    listed_by_second = second.api("get", "devices", second_token)
    crossed = second.api("get", f"devices/{first_device.serial}", second_token)
    grant_revoke(grant=AppGrant.objects.get(app__name="Second", user=owner), actor=owner)
    second_after = second.api("get", "devices", second_token)
    first_after = first.api("get", "devices", first_token)

    assert [item["serial"] for item in listed_by_second.json()] == [second_device.serial]
    assert (crossed.status_code, crossed.json()["code"]) == (404, "device_not_found")
    assert second_after.status_code == 401
    assert [item["serial"] for item in first_after.json()] == [first_device.serial]


def test_revoked_grant_ends_access_and_refresh(api_as: Any, operator: Any, owner: Any) -> None:
    (device,) = bound_devices(model_make(operator), owner)
    oauth = _production(app_in_production(owner, operator))
    tokens = oauth.tokens_for(owner, "devices:read", [device])
    grant = AppGrant.objects.get(user=owner)

    revoked = api_as(owner).delete(f"me/apps/{grant.uid}")
    call = oauth.api("get", "devices", tokens["access_token"])
    refresh = oauth.token_request(
        {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}
    )

    assert revoked.status_code == 204
    assert call.status_code == 401
    assert (refresh.status_code, refresh.json()["error"]) == (400, "invalid_grant")
    grant.refresh_from_db()
    assert grant.revoked_at is not None
    assert AccessToken.objects.filter(user=owner).count() == 0
    assert RefreshToken.objects.filter(user=owner, revoked__isnull=True).count() == 0


def test_missing_scope_is_refused_with_scope_missing(operator: Any, owner: Any) -> None:
    (device,) = bound_devices(model_make(operator), owner)
    oauth = _production(app_in_production(owner, operator))
    reader = oauth.tokens_for(owner, "devices:read", [device])["access_token"]

    refused = oauth.api(
        "put", f"devices/{device.serial}/desired", reader, {"values": {"target_temperature": 5}}
    )
    controller = oauth.tokens_for(owner, "devices:read commands:send", [device])["access_token"]
    allowed = oauth.api(
        "put", f"devices/{device.serial}/desired", controller, {"values": {"target_temperature": 5}}
    )

    assert (refused.status_code, refused.json()["code"]) == (403, "scope_missing")
    assert (allowed.status_code, allowed.json()["desired"]) == (200, {"target_temperature": 5})


def test_narrowing_the_grant_narrows_older_tokens(operator: Any, owner: Any) -> None:
    (device,) = bound_devices(model_make(operator), owner)
    oauth = _production(app_in_production(owner, operator))
    wide = oauth.tokens_for(owner, "devices:read commands:send", [device])["access_token"]
    oauth.tokens_for(owner, "devices:read", [device])

    refused = oauth.api(
        "put", f"devices/{device.serial}/desired", wide, {"values": {"power": True}}
    )

    assert (refused.status_code, refused.json()["code"]) == (403, "scope_missing")


def test_app_tokens_are_refused_off_the_device_endpoints(operator: Any, owner: Any) -> None:
    (device,) = bound_devices(model_make(operator), owner)
    oauth = _production(app_in_production(owner, operator))
    token = oauth.tokens_for(owner, "devices:read", [device])["access_token"]

    statuses = {
        path: oauth.api("get", path, token).status_code
        for path in ("me/orders", "me/apps", "apps", "devices")
    }

    assert statuses == {"me/orders": 401, "me/apps": 401, "apps": 401, "devices": 200}


def test_apps_may_not_bind_or_share(operator: Any, owner: Any) -> None:
    (device,) = bound_devices(model_make(operator), owner)
    oauth = _production(app_in_production(owner, operator))
    token = oauth.tokens_for(owner, "devices:read commands:send", [device])["access_token"]

    shared = oauth.api(
        "post", f"devices/{device.serial}/shares", token, {"email": "x@example.com", "role": "view"}
    )

    assert (shared.status_code, shared.json()["code"]) == (403, "app_not_allowed")


def test_test_client_refuses_anyone_but_its_developer(
    operator: Any, owner: Any, rival: Any, client: Client
) -> None:
    model = model_make(operator)
    (theirs,) = bound_devices(model, rival)
    app, _secret = app_make(owner)
    oauth = OAuthClient(client_id=app.test_client.client_id)
    client.force_login(rival)
    url = oauth.authorize_url("devices:read")

    page = client.get(url)
    allowed = client.post(url, {"decision": "allow", "devices": [theirs.serial]})

    assert page.status_code == 403
    assert "Fridge Watch is still in test: only its developer can connect it" in (
        page.content.decode()
    )
    assert theirs.serial not in page.content.decode()
    assert allowed.status_code == 403
    assert AppGrant.objects.count() == 0


def test_test_client_token_never_reaches_another_persons_device(
    operator: Any, owner: Any, rival: Any
) -> None:
    # Defence in depth: even a test grant by someone else (not possible through consent)
    # reaches none of their devices.
    model = model_make(operator)
    (theirs,) = bound_devices(model, rival)
    app, _secret = app_make(owner)
    grant = AppGrant.objects.create(
        app=app, user=rival, environment=Environment.TEST, scopes=["devices:read"]
    )
    grant.devices.set([theirs])
    token = AccessToken.objects.create(
        user=rival,
        application=app.test_client,
        token="forged-for-the-test",
        expires=timezone.now() + timedelta(hours=1),
        scope="devices:read",
    )
    oauth = OAuthClient(client_id=app.test_client.client_id)

    listed = oauth.api("get", "devices", "forged-for-the-test")
    seen = oauth.api("get", f"devices/{theirs.serial}", "forged-for-the-test")

    assert token.pk is not None
    assert (listed.status_code, listed.json()) == (200, [])
    assert (seen.status_code, seen.json()["code"]) == (404, "device_not_found")


def test_suspended_app_tokens_stop_working(operator: Any, owner: Any, rival: Any) -> None:
    (device,) = bound_devices(model_make(operator), owner)
    app = app_in_production(rival, operator)
    oauth = _production(app)
    tokens = oauth.tokens_for(owner, "devices:read", [device])

    app_suspend(app=app, actor=operator, note="Scraping devices.")
    call = oauth.api("get", "devices", tokens["access_token"])
    refresh = oauth.token_request(
        {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}
    )
    browser = Client()
    browser.force_login(owner)
    consent = browser.get(oauth.authorize_url("devices:read"))

    assert call.status_code == 401
    assert (refresh.status_code, refresh.json()["error"]) == (400, "invalid_grant")
    assert consent.status_code == 403
    assert "Fridge Watch cannot be connected now." in consent.content.decode()
    assert AccessToken.objects.count() == 0


def test_expired_token_is_refused(operator: Any, owner: Any) -> None:
    (device,) = bound_devices(model_make(operator), owner)
    oauth = _production(app_in_production(owner, operator))
    token = oauth.tokens_for(owner, "devices:read", [device])["access_token"]
    AccessToken.objects.update(expires=timezone.now() - timedelta(seconds=1))

    assert oauth.api("get", "devices", token).status_code == 401


def test_personal_tokens_keep_their_full_reach(api_as: Any, operator: Any, owner: Any) -> None:
    first, second = bound_devices(model_make(operator), owner, 2)
    oauth = _production(app_in_production(owner, operator))
    oauth.tokens_for(owner, "devices:read", [first])

    listed = api_as(owner).get("devices")
    desired = api_as(owner).put(f"devices/{second.serial}/desired", {"values": {"power": True}})

    assert [item["serial"] for item in listed.json()] == sorted([first.serial, second.serial])
    assert desired.status_code == 200


def test_a_device_given_away_leaves_the_grant(operator: Any, owner: Any) -> None:
    (device,) = bound_devices(model_make(operator), owner)
    oauth = _production(app_in_production(owner, operator))
    token = oauth.tokens_for(owner, "devices:read", [device])["access_token"]
    from heyi.devices.services import device_unbind

    device_unbind(device=device, actor=owner)

    assert oauth.api("get", "devices", token).json() == []
