"""The developers API: apps and their review per role, and a person's connected apps."""

from __future__ import annotations

from typing import Any

import pytest

from heyi.developers.models import AppGrant, DeveloperApp
from heyi.developers.tests.factories import (
    REDIRECT_URI,
    OAuthClient,
    app_in_production,
    app_make,
    bound_devices,
    model_make,
)

pytestmark = pytest.mark.django_db

APP = {
    "name": "Fridge Watch",
    "description": "Charts of your fridge's temperature.",
    "homepage_url": "https://app.example/",
    "redirect_uris": [REDIRECT_URI],
}


def test_register_and_read_an_app(api_as: Any, owner: Any, rival: Any) -> None:
    anonymous = api_as(None).post("apps", APP)
    created = api_as(owner).post("apps", APP | {"confidential": True})
    uid = created.json()["uid"]
    mine = api_as(owner).get(f"apps/{uid}")
    theirs = api_as(rival).get(f"apps/{uid}")

    assert anonymous.status_code == 401
    assert created.status_code == 201
    body = created.json()
    assert (body["status"], body["client_type"], body["developer"]) == (
        "test",
        "confidential",
        "Owner Olivia",
    )
    assert body["production_client_id"] is None
    assert len(body["client_secret"]) > 30
    assert "client_secret" not in mine.json()
    assert mine.json()["test_client_id"] == body["test_client_id"]
    assert (theirs.status_code, theirs.json()["code"]) == (404, "app_not_found")
    assert [app["uid"] for app in api_as(owner).get("apps").json()] == [uid]
    assert api_as(rival).get("apps").json() == []


def test_bad_redirect_uri_is_refused(api_as: Any, owner: Any) -> None:
    answer = api_as(owner).post("apps", APP | {"redirect_uris": ["https://x.example/#frag"]})

    assert (answer.status_code, answer.json()["code"]) == (422, "redirect_uri_invalid")
    assert DeveloperApp.objects.count() == 0


def test_review_by_api(api_as: Any, operator: Any, owner: Any, rival: Any) -> None:
    uid = api_as(owner).post("apps", APP).json()["uid"]

    asked = api_as(owner).post(f"apps/{uid}/review")
    queue_for_rival = api_as(rival).get("apps/review-queue")
    queue = api_as(operator).get("apps/review-queue")
    developer_approves = api_as(owner).post(f"apps/{uid}/approve", {"note": ""})
    approved = api_as(operator).post(f"apps/{uid}/approve", {"note": "Fine."})

    assert asked.json()["status"] == "in_review"
    assert queue_for_rival.status_code == 403
    assert [app["uid"] for app in queue.json()] == [uid]
    assert (developer_approves.status_code, developer_approves.json()["code"]) == (
        403,
        "not_operator",
    )
    assert approved.json()["status"] == "production"
    assert approved.json()["production_client_id"]


def test_connected_apps_list_and_revoke(api_as: Any, operator: Any, owner: Any, rival: Any) -> None:
    (device,) = bound_devices(model_make(operator), owner)
    app = app_in_production(rival, operator)
    oauth = OAuthClient(client_id=app.production_client.client_id)  # type: ignore[union-attr]
    oauth.tokens_for(owner, "devices:read telemetry:read", [device])
    grant = AppGrant.objects.get(user=owner)

    listed = api_as(owner).get("me/apps")
    rival_revokes = api_as(rival).delete(f"me/apps/{grant.uid}")
    revoked = api_as(owner).delete(f"me/apps/{grant.uid}")
    again = api_as(owner).delete(f"me/apps/{grant.uid}")

    assert listed.json() == [
        {
            "uid": str(grant.uid),
            "app": {
                "uid": str(app.uid),
                "name": "Fridge Watch",
                "developer": "Rival Ren",
                "homepage_url": "https://app.example/",
            },
            "environment": "production",
            "scopes": [
                {
                    "scope": "devices:read",
                    "description": "See the devices you connect and their current state",
                },
                {
                    "scope": "telemetry:read",
                    "description": "Read the readings and alarms of those devices",
                },
            ],
            "devices": [device.serial],
            "created_at": listed.json()[0]["created_at"],
            "updated_at": listed.json()[0]["updated_at"],
        }
    ]
    assert (rival_revokes.status_code, rival_revokes.json()["code"]) == (404, "grant_not_found")
    assert revoked.status_code == 204
    assert (again.status_code, again.json()["code"]) == (404, "grant_not_found")
    assert api_as(owner).get("me/apps").json() == []


def test_connected_apps_query_budget(
    api_as: Any, operator: Any, owner: Any, django_assert_num_queries: Any
) -> None:
    devices = bound_devices(model_make(operator), owner, 2)
    for name in ("One", "Two", "Three"):
        app, _secret = app_make(owner, name=name)
        OAuthClient(client_id=app.test_client.client_id).tokens_for(owner, "devices:read", devices)
    client = api_as(owner)

    with django_assert_num_queries(4):
        listed = client.get("me/apps")

    assert [item["app"]["name"] for item in listed.json()] == ["Three", "Two", "One"]


def test_update_changes_both_clients(api_as: Any, operator: Any, owner: Any, rival: Any) -> None:
    app = app_in_production(owner, operator)
    changed = APP | {"redirect_uris": ["https://app.example/v2/callback"]}

    by_rival = api_as(rival).put(f"apps/{app.uid}", changed)
    by_operator = api_as(operator).put(f"apps/{app.uid}", changed)
    by_owner = api_as(owner).put(f"apps/{app.uid}", changed)

    app.refresh_from_db()
    assert (by_rival.status_code, by_rival.json()["code"]) == (404, "app_not_found")
    assert (by_operator.status_code, by_operator.json()["code"]) == (403, "app_not_owner")
    assert by_owner.json()["redirect_uris"] == ["https://app.example/v2/callback"]
    assert app.test_client.redirect_uris == "https://app.example/v2/callback"
    assert app.production_client is not None
    assert app.production_client.redirect_uris == "https://app.example/v2/callback"


def test_secret_roll_only_for_confidential_clients(api_as: Any, owner: Any) -> None:
    public = api_as(owner).post("apps", APP).json()
    confidential = api_as(owner).post("apps", APP | {"confidential": True}).json()

    refused = api_as(owner).post(f"apps/{public['uid']}/secret", {"environment": "test"})
    rolled = api_as(owner).post(f"apps/{confidential['uid']}/secret", {"environment": "test"})

    assert (refused.status_code, refused.json()["code"]) == (409, "app_not_confidential")
    assert rolled.json()["client_id"] == confidential["test_client_id"]
    assert rolled.json()["client_secret"] != confidential["client_secret"]
