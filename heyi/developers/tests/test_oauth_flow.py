"""The OAuth2 flow end to end, as an app runs it: authorize with PKCE, consent, code, token,
the device API within the grant, refresh rotation, and the requests DOT must refuse."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from oauth2_provider.models import AccessToken, Grant, RefreshToken

from heyi.developers.models import AppGrant
from heyi.developers.tests.factories import (
    OAuthClient,
    app_in_production,
    app_make,
    bound_devices,
    model_make,
    query_of,
)

pytestmark = pytest.mark.django_db


def test_authorization_code_with_pkce_reaches_only_the_granted_devices(
    operator: Any, owner: Any
) -> None:
    model = model_make(operator)
    chosen, kept_back = bound_devices(model, owner, 2)
    app = app_in_production(owner, operator)
    oauth = OAuthClient(client_id=app.production_client.client_id)  # type: ignore[union-attr]

    tokens = oauth.tokens_for(owner, "devices:read telemetry:read", [chosen])
    listed = oauth.api("get", "devices", tokens["access_token"])
    one = oauth.api("get", f"devices/{chosen.serial}", tokens["access_token"])
    other = oauth.api("get", f"devices/{kept_back.serial}", tokens["access_token"])

    assert tokens["token_type"] == "Bearer"
    assert tokens["scope"] == "devices:read telemetry:read"
    assert tokens["expires_in"] == 3600
    assert [item["serial"] for item in listed.json()] == [chosen.serial]
    assert one.status_code == 200
    assert (other.status_code, other.json()["code"]) == (404, "device_not_found")
    grant = AppGrant.objects.get(app=app, user=owner)
    assert (grant.environment, grant.scopes) == ("production", ["devices:read", "telemetry:read"])
    assert list(grant.devices.values_list("serial", flat=True)) == [chosen.serial]


def test_refresh_token_rotates(operator: Any, owner: Any) -> None:
    (device,) = bound_devices(model_make(operator), owner)
    app, _secret = app_make(owner)
    oauth = OAuthClient(client_id=app.test_client.client_id)
    first = oauth.tokens_for(owner, "devices:read", [device])

    refreshed = oauth.token_request(
        {"grant_type": "refresh_token", "refresh_token": first["refresh_token"]}
    )
    second = refreshed.json()
    with_new = oauth.api("get", "devices", second["access_token"])
    with_old = oauth.api("get", "devices", first["access_token"])
    replayed = oauth.token_request(
        {"grant_type": "refresh_token", "refresh_token": first["refresh_token"]}
    )

    assert refreshed.status_code == 200
    assert second["refresh_token"] != first["refresh_token"]
    assert second["access_token"] != first["access_token"]
    assert second["scope"] == "devices:read"
    assert (with_new.status_code, with_old.status_code) == (200, 401)
    assert (replayed.status_code, replayed.json()["error"]) == (400, "invalid_grant")


def test_flow_under_the_rfc9700_hardening(operator: Any, owner: Any, settings: Any) -> None:
    """With DOT's RFC 9700 switches on (recommended for production), the flow still works:
    tokens are kept only as checksums, and replaying a spent refresh token revokes the whole
    family. ("plain" PKCE is refused whatever the settings.)"""
    settings.OAUTH2_PROVIDER = {
        **settings.OAUTH2_PROVIDER,
        "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
        "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
        "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
        "REFRESH_TOKEN_REUSE_PROTECTION": True,
    }
    (device,) = bound_devices(model_make(operator), owner)
    app, _secret = app_make(owner)
    oauth = OAuthClient(client_id=app.test_client.client_id)
    browser = Client()
    browser.force_login(owner)

    plain = browser.get(
        oauth.authorize_url("devices:read", code_challenge_method="plain", code_challenge="x" * 43)
    )
    first = oauth.tokens_for(owner, "devices:read", [device])
    stored = AccessToken.objects.get()
    works = oauth.api("get", "devices", first["access_token"])
    second = oauth.token_request(
        {"grant_type": "refresh_token", "refresh_token": first["refresh_token"]}
    ).json()
    oauth.token_request({"grant_type": "refresh_token", "refresh_token": first["refresh_token"]})

    assert query_of(plain["Location"])["error_description"] == (
        "Use PKCE with code_challenge_method=S256."
    )
    assert stored.token == ""
    assert works.status_code == 200
    assert oauth.api("get", "devices", second["access_token"]).status_code == 401


def test_wrong_code_verifier_is_refused(operator: Any, owner: Any) -> None:
    (device,) = bound_devices(model_make(operator), owner)
    app, _secret = app_make(owner)
    oauth = OAuthClient(client_id=app.test_client.client_id)
    code = oauth.code_for(owner, "devices:read", [device])

    wrong = oauth.exchange(code, verifier="x" * 64)

    assert (wrong.status_code, wrong.json()["error"]) == (400, "invalid_grant")
    assert AccessToken.objects.count() == 0


def test_authorization_without_pkce_is_refused(operator: Any, owner: Any, client: Any) -> None:
    app, _secret = app_make(owner)
    oauth = OAuthClient(client_id=app.test_client.client_id)
    client.force_login(owner)

    answer = client.get(oauth.authorize_url("devices:read", pkce=False))

    assert answer.status_code == 302
    query = query_of(answer["Location"])
    assert answer["Location"].startswith("https://app.example/callback?")
    assert (query["error"], query["state"]) == ("invalid_request", oauth.state)
    assert "challenge" in query["error_description"].lower()


def test_plain_pkce_is_refused_before_consent(owner: Any, client: Any) -> None:
    app, _secret = app_make(owner)
    oauth = OAuthClient(client_id=app.test_client.client_id)
    client.force_login(owner)

    answer = client.get(
        oauth.authorize_url("devices:read", code_challenge_method="plain", code_challenge="x" * 43)
    )

    query = query_of(answer["Location"])
    assert (query["error"], query["state"]) == ("invalid_request", oauth.state)
    assert query["error_description"] == "Use PKCE with code_challenge_method=S256."


def test_confidential_client_needs_its_secret(operator: Any, owner: Any) -> None:
    (device,) = bound_devices(model_make(operator), owner)
    app, secret = app_make(owner, confidential=True)
    assert secret is not None
    oauth = OAuthClient(client_id=app.test_client.client_id, client_secret="not-the-secret")
    code = oauth.code_for(owner, "devices:read", [device])

    refused = oauth.exchange(code)
    oauth.client_secret = secret
    accepted = oauth.exchange(oauth.code_for(owner, "devices:read", [device]))

    assert (refused.status_code, refused.json()["error"]) == (401, "invalid_client")
    assert accepted.status_code == 200


def test_consent_page_names_the_app_scopes_and_own_devices(
    operator: Any, owner: Any, rival: Any, client: Any
) -> None:
    model = model_make(operator)
    (mine,) = bound_devices(model, owner)
    (theirs,) = bound_devices(model, rival)
    app = app_in_production(rival, operator, name="Cold Chain Monitor")
    oauth = OAuthClient(client_id=app.production_client.client_id)  # type: ignore[union-attr]
    client.force_login(owner)

    page = client.get(oauth.authorize_url("devices:read commands:send"))
    text = page.content.decode()

    assert page.status_code == 200
    assert "Cold Chain Monitor wants to reach your devices" in text
    assert "An app made by rival" in text or "An app made by Rival Ren" in text
    assert "See the devices you connect and their current state" in text
    assert "Change settings of those devices and send them commands" in text
    assert mine.serial in text
    assert theirs.serial not in text


def test_deny_sends_access_denied_and_writes_nothing(operator: Any, owner: Any) -> None:
    (device,) = bound_devices(model_make(operator), owner)
    app, _secret = app_make(owner)
    oauth = OAuthClient(client_id=app.test_client.client_id)

    answer = oauth.consent(owner, "devices:read", [device], decision="deny")

    assert answer.status_code == 302
    assert query_of(answer["Location"])["error"] == "access_denied"
    assert AppGrant.objects.count() == 0
    assert Grant.objects.count() == 0


def test_no_device_chosen_is_a_clear_error(operator: Any, owner: Any) -> None:
    bound_devices(model_make(operator), owner)
    app, _secret = app_make(owner)
    oauth = OAuthClient(client_id=app.test_client.client_id)

    answer = oauth.consent(owner, "devices:read", [])

    assert answer.status_code == 422
    assert "Choose at least one device for Fridge Watch." in answer.content.decode()
    assert AppGrant.objects.count() == 0
    assert Grant.objects.count() == 0


def test_unknown_scope_goes_back_to_the_app_as_invalid_scope(
    operator: Any, owner: Any, client: Any
) -> None:
    app, _secret = app_make(owner)
    oauth = OAuthClient(client_id=app.test_client.client_id)
    client.force_login(owner)

    answer = client.get(oauth.authorize_url("devices:read orders:write"))

    assert answer.status_code == 302
    assert query_of(answer["Location"])["error"] == "invalid_scope"


def test_redirect_uri_mismatch_is_shown_and_not_followed(
    operator: Any, owner: Any, client: Any
) -> None:
    app, _secret = app_make(owner)
    oauth = OAuthClient(client_id=app.test_client.client_id, redirect_uri="https://evil.example/cb")
    client.force_login(owner)

    answer = client.get(oauth.authorize_url("devices:read"))

    assert answer.status_code == 400
    assert "This app's request is not valid" in answer.content.decode()
    assert "Mismatching redirect URI" in answer.content.decode()


def test_unknown_client_is_shown_and_not_followed(owner: Any, client: Any) -> None:
    oauth = OAuthClient(client_id="no-such-client")
    client.force_login(owner)

    answer = client.get(oauth.authorize_url("devices:read"))

    assert answer.status_code == 400
    assert "Invalid client_id parameter value." in answer.content.decode()


def test_anonymous_person_is_sent_to_sign_in_first(owner: Any, client: Any) -> None:
    app, _secret = app_make(owner)
    url = OAuthClient(client_id=app.test_client.client_id).authorize_url("devices:read")

    answer = client.get(url)

    assert answer.status_code == 302
    assert answer["Location"].startswith("/accounts/login/?next=")


def test_consenting_again_replaces_the_grant(operator: Any, owner: Any) -> None:
    first, second = bound_devices(model_make(operator), owner, 2)
    app, _secret = app_make(owner)
    oauth = OAuthClient(client_id=app.test_client.client_id)

    oauth.tokens_for(owner, "devices:read commands:send", [first])
    oauth.tokens_for(owner, "devices:read", [second])

    grant = AppGrant.objects.get(app=app, user=owner, revoked_at__isnull=True)
    assert AppGrant.objects.count() == 1
    assert grant.scopes == ["devices:read"]
    assert list(grant.devices.values_list("serial", flat=True)) == [second.serial]
    assert RefreshToken.objects.count() == 2
