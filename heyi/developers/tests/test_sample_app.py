"""examples/sample_app runs against a live heyi: the real script is the app, and the person's
browser is played with urllib and a signed-in session cookie."""

from __future__ import annotations

import importlib.util
import re
import socket
import threading
import urllib.request
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.test import Client
from oauth2_provider.settings import oauth2_settings

from heyi.developers.models import AppGrant
from heyi.developers.services import AppIn, app_register
from heyi.developers.tests.factories import bound_devices, model_make

SAMPLE = Path(settings.BASE_DIR) / "examples" / "sample_app" / "app.py"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _sample_module() -> Any:
    spec = importlib.util.spec_from_file_location("heyi_sample_app", SAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _person_allows(link: str, session: str, serial: str) -> None:
    """What the person does in the browser: open the consent page, tick the device, allow."""
    page = urllib.request.urlopen(
        urllib.request.Request(link, headers={"Cookie": f"sessionid={session}"}), timeout=30
    )
    cookies = SimpleCookie()
    for header in page.headers.get_all("Set-Cookie") or []:
        cookies.load(header)
    html = page.read().decode()
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert match is not None and serial in html
    form = urlencode(
        {"csrfmiddlewaretoken": match.group(1), "devices": serial, "decision": "allow"}
    ).encode()
    cookie = f"sessionid={session}; csrftoken={cookies['csrftoken'].value}"
    # urllib follows the redirect to the sample's catcher on 127.0.0.1, as a browser would.
    urllib.request.urlopen(
        urllib.request.Request(link, data=form, headers={"Cookie": cookie}), timeout=30
    ).read()


@pytest.mark.django_db(transaction=True)
def test_sample_app_connects_and_lists_the_granted_device(
    live_server: Any, operator: Any, owner: Any, capsys: Any, monkeypatch: Any
) -> None:
    if "http" not in oauth2_settings.ALLOWED_REDIRECT_URI_SCHEMES:
        pytest.skip("http redirect URIs are allowed only with DEBUG (local development)")
    first, second = bound_devices(model_make(operator), owner, 2)
    port = _free_port()
    app, _secret = app_register(
        actor=owner,
        data=AppIn(
            name="Sample",
            description="The sample app from examples/.",
            homepage_url="",
            redirect_uris=[f"http://127.0.0.1:{port}/callback"],
        ),
    )
    browser = Client()
    browser.force_login(owner)
    session = browser.cookies["sessionid"].value
    sample = _sample_module()
    monkeypatch.setattr(
        sample.webbrowser,
        "open",
        lambda link: threading.Thread(
            target=_person_allows, args=(link, session, first.serial), daemon=True
        ).start(),
    )

    code = sample.main(
        [
            "--base",
            live_server.url,
            "--client-id",
            app.test_client.client_id,
            "--port",
            str(port),
            "--timeout",
            "30",
        ]
    )
    out = capsys.readouterr().out

    assert code == 0, out
    assert "Granted scopes: devices:read telemetry:read (token valid 3600 s)" in out
    assert f"{first.serial}  Smart fridge 300 L  (offline, seen None)" in out
    assert "  no reading yet" in out
    assert second.serial not in out
    assert "Refreshed: a new access token and a new refresh token" in out
    assert list(AppGrant.objects.get().devices.values_list("serial", flat=True)) == [first.serial]
