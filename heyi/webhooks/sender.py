"""Signing and sending one webhook request: Standard Webhooks headers over a plain HTTP POST.

No Django models here: the services pass values in and store what comes back. The signature is
made by the `standardwebhooks` library, so what we send is what its `verify` accepts.
"""

from __future__ import annotations

import base64
import ipaddress
import json
import secrets
import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from standardwebhooks import Webhook

TIMEOUT_SECONDS = 10.0
EXCERPT_BYTES = 1024
USER_AGENT = "heyi-webhooks/1"
SECRET_PREFIX = "whsec_"


def secret_generate() -> str:
    """A new signing secret: `whsec_` and 32 random bytes in base64, as the spec suggests."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def message_id_generate() -> str:
    return "msg_" + secrets.token_hex(16)


def body_encode(payload: dict[str, Any]) -> str:
    """The exact text that is signed and sent (compact JSON, ASCII only)."""
    return json.dumps(payload, separators=(",", ":"), sort_keys=True)


def headers_sign(
    *, signing_secrets: list[str], message_id: str, at: datetime, body: str
) -> dict[str, str]:
    """webhook-id, webhook-timestamp and webhook-signature (one `v1,…` per live secret)."""
    signatures = [
        Webhook(secret).sign(msg_id=message_id, timestamp=at, data=body)
        for secret in signing_secrets
    ]
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": " ".join(signatures),
    }


def url_problem(url: str, *, allow_local: bool) -> str | None:
    """Why `url` may not receive webhooks, or None. Production sends only to https URLs."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 (raises on a bad port)
    except ValueError:
        return "not a URL"
    if parts.scheme not in {"http", "https"} or not host:
        return "not an http(s) URL"
    if parts.username or parts.password:
        return "credentials in the URL"
    if parts.scheme == "http" and not allow_local:
        return "not https"
    return None


def address_problem(url: str, *, allow_local: bool) -> str | None:
    """Refuse hosts that resolve to loopback, private or link-local addresses in production,
    so that an endpoint cannot make the platform call its own internal services."""
    if allow_local:
        return None
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        infos = socket.getaddrinfo(host, parts.port or 443, proto=socket.IPPROTO_TCP)
    except OSError as error:
        return f"cannot resolve {host}: {error}"
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            return f"{host} resolves to a non-public address"
    return None


@dataclass(frozen=True, slots=True)
class Response:
    status_code: int | None
    error: str
    duration_ms: int
    excerpt: str

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer (3xx, so a failure), never followed: the URL is the endpoint."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect())


def _excerpt(raw: bytes) -> str:
    return raw[:EXCERPT_BYTES].decode("utf-8", errors="replace")[:EXCERPT_BYTES]


def post(
    *, url: str, body: str, headers: dict[str, str], timeout: float = TIMEOUT_SECONDS
) -> Response:
    """POST `body`; any answer is a Response (2xx succeeded), and so is a network failure."""
    request = urllib.request.Request(
        url,
        data=body.encode(),
        method="POST",
        headers={"Content-Type": "application/json", "User-Agent": USER_AGENT, **headers},
    )
    started = time.perf_counter()

    def elapsed() -> int:
        return max(0, int((time.perf_counter() - started) * 1000))

    try:
        with _OPENER.open(request, timeout=timeout) as answer:
            raw = answer.read(EXCERPT_BYTES)
            return Response(answer.status, "", elapsed(), _excerpt(raw))
    except urllib.error.HTTPError as error:
        try:
            raw = error.read(EXCERPT_BYTES)
        except Exception:  # the body of an error answer is only a courtesy
            raw = b""
        return Response(error.code, "", elapsed(), _excerpt(raw))
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        if isinstance(reason, socket.timeout | TimeoutError):
            message = f"timed out after {timeout:g} s"
        else:
            message = str(reason) or error.__class__.__name__
        return Response(None, message[:300], elapsed(), "")
