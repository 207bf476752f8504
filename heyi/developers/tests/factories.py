"""Test helpers of developers: bound devices, registered apps, and an OAuth2 client that drives
the authorization-code flow with PKCE through Django's test client, as a real app would."""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from django.test import Client

from heyi.developers.models import DeveloperApp
from heyi.developers.services import AppIn, app_approve, app_register, app_review_request
from heyi.devices.models import Device, DeviceBindingCode, DeviceModel
from heyi.devices.services import device_bind, device_register
from heyi.devices.tests.factories import delivered_order, fridge_model

REDIRECT_URI = "https://app.example/callback"


def bound_devices(model: DeviceModel, owner: Any, count: int = 1) -> list[Device]:
    """`count` devices delivered to `owner` and bound with their codes."""
    devices = device_register(order=delivered_order(model, owner, count), model=model)
    return [
        device_bind(code=DeviceBindingCode.objects.get(device=device).code, actor=owner)
        for device in devices
    ]


def model_make(operator: Any) -> DeviceModel:
    return fridge_model(operator)


def app_make(
    developer: Any, *, name: str = "Fridge Watch", confidential: bool = False
) -> tuple[DeveloperApp, str | None]:
    return app_register(
        actor=developer,
        data=AppIn(
            name=name,
            description="Charts of your fridge's temperature.",
            homepage_url="https://app.example/",
            redirect_uris=[REDIRECT_URI],
        ),
        confidential=confidential,
    )


def app_in_production(developer: Any, operator: Any, *, name: str = "Fridge Watch") -> DeveloperApp:
    app, _secret = app_make(developer, name=name)
    app_review_request(app=app, actor=developer)
    return app_approve(app=app, actor=operator)


def pkce_pair() -> tuple[str, str]:
    """A code verifier and its S256 challenge (RFC 7636), made as a client makes them."""
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    challenge = base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")
    return verifier, challenge


def query_of(location: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(location).query).items()}


@dataclass
class OAuthClient:
    """An app's side of the flow: authorize URL, consent by a signed-in person, code, tokens."""

    client_id: str
    client_secret: str | None = None
    redirect_uri: str = REDIRECT_URI
    verifier: str = ""
    state: str = ""
    http: Client = field(default_factory=Client)

    def authorize_url(self, scope: str, *, pkce: bool = True, **extra: str) -> str:
        self.verifier, challenge = pkce_pair()
        self.state = secrets.token_urlsafe(12)
        params = {
            "response_type": "code",
            "client_id": self.client_id,
            "redirect_uri": self.redirect_uri,
            "scope": scope,
            "state": self.state,
        }
        if pkce:
            params |= {"code_challenge": challenge, "code_challenge_method": "S256"}
        params |= extra
        return "/oauth/authorize/?" + urlencode(params)

    def consent(
        self, person: Any, scope: str, devices: list[Device], *, decision: str = "allow"
    ) -> Any:
        """The person opens the consent page and allows (or denies); the answer of the POST."""
        browser = Client()
        browser.force_login(person)
        url = self.authorize_url(scope)
        page = browser.get(url)
        assert page.status_code == 200, page.content[:500]
        return browser.post(
            url, {"decision": decision, "devices": [device.serial for device in devices]}
        )

    def code_for(self, person: Any, scope: str, devices: list[Device]) -> str:
        answer = self.consent(person, scope, devices)
        assert answer.status_code == 302, answer.content[:500]
        query = query_of(answer["Location"])
        assert query["state"] == self.state
        return query["code"]

    def token_request(self, data: dict[str, str]) -> Any:
        data = {"client_id": self.client_id, **data}
        if self.client_secret:
            data["client_secret"] = self.client_secret
        return self.http.post(
            "/oauth/token/", urlencode(data), content_type="application/x-www-form-urlencoded"
        )

    def exchange(self, code: str, verifier: str | None = None) -> Any:
        return self.token_request(
            {
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": self.redirect_uri,
                "code_verifier": self.verifier if verifier is None else verifier,
            }
        )

    def tokens_for(self, person: Any, scope: str, devices: list[Device]) -> dict[str, Any]:
        answer = self.exchange(self.code_for(person, scope, devices))
        assert answer.status_code == 200, answer.content
        return dict(answer.json())

    def api(self, method: str, path: str, token: str, data: Any = None) -> Any:
        kwargs: dict[str, Any] = {"headers": {"Authorization": f"Bearer {token}"}}
        if data is not None:
            kwargs |= {"data": data, "content_type": "application/json"}
        return getattr(self.http, method)(f"/api/v1/{path}", **kwargs)
