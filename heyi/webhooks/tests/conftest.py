"""Fixtures of the webhooks tests: a real HTTP receiver on 127.0.0.1, apps, grants, devices."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from oauth2_provider.models import Application
from standardwebhooks import Webhook

from heyi.developers.models import AppGrant, AppStatus, DeveloperApp, Environment
from heyi.devices.models import Device, DeviceBindingCode, DeviceModel
from heyi.devices.services import device_bind, device_register
from heyi.devices.tests.factories import delivered_order, fridge_model


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: str
    verified: Any  # the payload Webhook.verify returned, or the error it raised


@dataclass
class Receiver:
    """An HTTP server in a thread: answers the queued statuses (then 200), keeps every request
    and checks each signature with standardwebhooks at the moment it arrives."""

    url: str = ""
    statuses: list[int] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)
    secrets: list[str] = field(default_factory=list)

    def verify(self, body: str, headers: dict[str, str]) -> Any:
        errors = []
        for secret in self.secrets:
            try:
                return Webhook(secret).verify(body, headers)
            except Exception as error:  # recorded for the test to see
                errors.append(error)
        return errors[0] if errors else RuntimeError("no secret given to the receiver")


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length).decode()
            headers = {name.lower(): value for name, value in self.headers.items()}
            receiver.received.append(
                Received(self.path, headers, body, receiver.verify(body, headers))
            )
            status = receiver.statuses.pop(0) if receiver.statuses else 200
            answer = json.dumps({"status": status}).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, format: str, *args: Any) -> None:
            return None

    return Handler


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def _local_targets(settings: Any) -> None:
    # The receiver is http://127.0.0.1: allowed in development and tests, never in production.
    settings.HEYI_WEBHOOKS_ALLOW_LOCAL = True


def app_make(
    owner: Any, *, status: str = AppStatus.PRODUCTION, name: str = "Fridge Watch"
) -> DeveloperApp:
    def client(environment: str) -> Application:
        return Application.objects.create(
            user=owner,
            name=f"{name} ({environment})",
            client_type=Application.CLIENT_PUBLIC,
            authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
            redirect_uris="https://fridge-watch.example.com/callback",
        )

    return DeveloperApp.objects.create(
        owner=owner,
        name=name,
        description="Watches fridges.",
        status=status,
        test_client=client("test"),
        production_client=client("production") if status == AppStatus.PRODUCTION else None,
    )


def grant_make(
    app: DeveloperApp,
    user: Any,
    devices: list[Device],
    *,
    environment: str = Environment.PRODUCTION,
    scopes: tuple[str, ...] = ("devices:read", "events:receive"),
) -> AppGrant:
    grant = AppGrant.objects.create(
        app=app, user=user, environment=environment, scopes=list(scopes)
    )
    grant.devices.set(devices)
    return grant


def owned_device(model: DeviceModel, owner: Any) -> Device:
    """A delivered unit of `model`, bound to `owner` with its one-time code."""
    device = device_register(order=delivered_order(model, owner), model=model)[0]
    device_bind(code=DeviceBindingCode.objects.get(device=device).code, actor=owner)
    device.refresh_from_db()
    return device


@pytest.fixture
def fridge(operator: Any) -> DeviceModel:
    return fridge_model(operator)
