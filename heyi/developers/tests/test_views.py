"""Pages of developers: registering, the app page, the review queue, and connected apps."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from heyi.developers.models import AppGrant, AppStatus, DeveloperApp
from heyi.developers.services import app_review_request
from heyi.developers.tests.factories import (
    REDIRECT_URI,
    OAuthClient,
    app_in_production,
    app_make,
    bound_devices,
    model_make,
)

pytestmark = pytest.mark.django_db


def _signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_register_a_public_app_then_see_its_client_id(owner: Any) -> None:
    client = _signed_in(owner)

    empty = client.get("/developers/apps/")
    answer = client.post(
        "/developers/apps/new/",
        {
            "name": "Fridge Watch",
            "description": "Charts of your fridge's temperature.",
            "homepage_url": "",
            "redirect_uris": f"{REDIRECT_URI}\nhttp://127.0.0.1:8765/callback",
        },
    )
    app = DeveloperApp.objects.get()
    page = client.get(answer["Location"])

    assert "You have not registered any app yet." in empty.content.decode()
    assert answer.status_code == 302
    assert app.test_client.redirect_uris == f"{REDIRECT_URI} http://127.0.0.1:8765/callback"
    assert app.test_client.client_id in page.content.decode()
    assert "Ask for production review" in page.content.decode()


def test_confidential_registration_shows_the_secret_once(owner: Any) -> None:
    client = _signed_in(owner)

    answer = client.post(
        "/developers/apps/new/",
        {
            "name": "Fridge Server",
            "description": "A server that keeps a secret.",
            "redirect_uris": REDIRECT_URI,
            "confidential": "on",
        },
    )
    app = DeveloperApp.objects.get()

    assert answer.status_code == 200
    assert answer["Cache-Control"] == "no-store"
    assert "Copy the secret now" in answer.content.decode()
    assert app.test_client.client_secret not in answer.content.decode()


def test_bad_redirect_uri_shows_the_error(owner: Any) -> None:
    answer = _signed_in(owner).post(
        "/developers/apps/new/",
        {"name": "Fridge", "description": "What it does, at length.", "redirect_uris": "nope"},
    )

    assert answer.status_code == 200
    assert "Redirect URI nope is not valid" in answer.content.decode()
    assert DeveloperApp.objects.count() == 0


def test_app_page_per_role(operator: Any, owner: Any, rival: Any) -> None:
    app, _secret = app_make(owner)
    path = f"/developers/apps/{app.uid}/"

    statuses = {
        name: (Client() if user is None else _signed_in(user)).get(path).status_code
        for name, user in [
            ("anonymous", None),
            ("owner", owner),
            ("rival", rival),
            ("operator", operator),
        ]
    }

    assert statuses == {"anonymous": 302, "owner": 200, "rival": 404, "operator": 200}


def test_review_queue_and_decisions(operator: Any, owner: Any, rival: Any) -> None:
    app, _secret = app_make(owner)
    app_review_request(app=app, actor=owner)

    refused_to_rival = _signed_in(rival).get("/developers/review/")
    queue = _signed_in(operator).get("/developers/review/")
    rival_approves = _signed_in(rival).post(f"/developers/apps/{app.uid}/approve/", {"note": ""})
    after_rival = DeveloperApp.objects.get(pk=app.pk).status
    approved = _signed_in(operator).post(f"/developers/apps/{app.uid}/approve/", {"note": "OK"})

    assert refused_to_rival.status_code == 403
    assert "Fridge Watch" in queue.content.decode()
    assert (rival_approves.status_code, after_rival) == (302, AppStatus.IN_REVIEW)
    assert approved.status_code == 302
    assert DeveloperApp.objects.get(pk=app.pk).status == AppStatus.PRODUCTION
    empty = _signed_in(operator).get("/developers/review/")
    assert "No app is waiting for review." in empty.content.decode()


def test_connected_apps_page_and_revoke(operator: Any, owner: Any, rival: Any) -> None:
    (device,) = bound_devices(model_make(operator), owner)
    app = app_in_production(rival, operator)
    client = _signed_in(owner)
    empty = client.get("/account/apps/")
    OAuthClient(client_id=app.production_client.client_id).tokens_for(  # type: ignore[union-attr]
        owner, "devices:read", [device]
    )
    grant = AppGrant.objects.get()

    listed = client.get("/account/apps/")
    rival_revokes = _signed_in(rival).post(f"/account/apps/{grant.uid}/revoke/")
    after_rival = AppGrant.objects.get().revoked_at
    revoked = client.post(f"/account/apps/{grant.uid}/revoke/")

    assert "You have not connected any app yet." in empty.content.decode()
    text = listed.content.decode()
    assert "Fridge Watch" in text
    assert device.serial in text
    assert "See the devices you connect and their current state" in text
    assert AppGrant.objects.get().revoked_at is not None
    assert (rival_revokes.status_code, after_rival) == (302, None)
    assert revoked.status_code == 302
    assert "You have not connected any app yet." in client.get("/account/apps/").content.decode()
