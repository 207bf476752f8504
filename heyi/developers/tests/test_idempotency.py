"""An app's retry with the same Idempotency-Key sends one command, and two apps of one user
have separate keys."""

from __future__ import annotations

from typing import Any

import pytest

from heyi.developers.tests.factories import (
    OAuthClient,
    app_in_production,
    bound_devices,
    model_make,
)
from heyi.devices.models import DeviceCommand

pytestmark = pytest.mark.django_db


def _command(oauth: OAuthClient, token: str, serial: str, key: str) -> Any:
    return oauth.http.post(
        f"/api/v1/devices/{serial}/commands",
        data={"name": "defrost", "args": {"minutes": 5}},
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": key},
    )


def test_an_apps_retry_with_the_same_key_sends_one_command(
    operator: Any, owner: Any, rival: Any
) -> None:
    model = model_make(operator)
    (device,) = bound_devices(model, owner)
    first_app = app_in_production(rival, operator, name="Fridge Watch")
    second_app = app_in_production(rival, operator, name="Cold Chain")
    assert first_app.production_client and second_app.production_client
    first = OAuthClient(client_id=first_app.production_client.client_id)
    second = OAuthClient(client_id=second_app.production_client.client_id)
    first_token = first.tokens_for(owner, "commands:send", [device])["access_token"]
    second_token = second.tokens_for(owner, "commands:send", [device])["access_token"]

    answers = [_command(first, first_token, device.serial, "retry-1") for _ in range(2)]
    other_app = _command(second, second_token, device.serial, "retry-1")

    assert [answer.status_code for answer in answers] == [202, 202]
    assert answers[1]["Idempotent-Replayed"] == "true"
    assert answers[0].json()["id"] == answers[1].json()["id"]
    assert other_app.status_code == 202 and not other_app.has_header("Idempotent-Replayed")
    assert DeviceCommand.objects.filter(device=device).count() == 2
