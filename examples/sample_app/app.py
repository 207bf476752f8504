"""A sample heyi app: connect to a person's devices with OAuth2 (authorization code + PKCE) and
print what it was allowed to see. Standard library only.

    python examples/sample_app/app.py --base http://127.0.0.1:8000 --client-id <test client id>

It opens the consent page in a browser, catches the redirect on http://127.0.0.1:8765/callback,
exchanges the code for tokens, lists the granted devices with their latest state (and, with the
telemetry:read scope, their latest reading), then shows how a refresh works.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import http.server
import json
import secrets
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
import webbrowser
from typing import Any


def pkce_pair() -> tuple[str, str]:
    """A random code verifier and its S256 challenge (RFC 7636)."""
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return verifier, base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


class _Catcher(http.server.BaseHTTPRequestHandler):
    """Answers the one redirect from heyi and keeps its query for the main thread."""

    result: dict[str, str] = {}
    arrived = threading.Event()

    def do_GET(self) -> None:
        parsed = urllib.parse.urlsplit(self.path)
        if parsed.path != "/callback":
            self.send_error(404)
            return
        query = urllib.parse.parse_qs(parsed.query)
        type(self).result = {key: values[0] for key, values in query.items()}
        body = b"<p>Done: you can close this tab and go back to the terminal.</p>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        type(self).arrived.set()

    def log_message(self, format: str, *args: Any) -> None:
        return


def http_json(
    url: str, *, data: dict[str, str] | None = None, token: str | None = None
) -> tuple[int, Any]:
    """GET (or POST a form) and decode the JSON answer, errors included."""
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body)
    request.add_header("Accept", "application/json")
    if body is not None:
        request.add_header("Content-Type", "application/x-www-form-urlencoded")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, json.loads(answer.read() or b"null")
    except urllib.error.HTTPError as error:
        raw = error.read()
        try:
            return error.code, json.loads(raw)
        except ValueError:
            return error.code, raw.decode(errors="replace")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000", help="heyi's address")
    parser.add_argument("--client-id", required=True, help="the app's test or production client ID")
    parser.add_argument("--client-secret", default="", help="only for a confidential client")
    parser.add_argument(
        "--scope", default="devices:read telemetry:read", help="space-separated scopes"
    )
    parser.add_argument("--port", type=int, default=8765, help="where the redirect is caught")
    parser.add_argument("--no-browser", action="store_true", help="print the link, open nothing")
    parser.add_argument("--timeout", type=int, default=300, help="seconds to wait for consent")
    args = parser.parse_args(argv)

    base = args.base.rstrip("/")
    redirect_uri = f"http://127.0.0.1:{args.port}/callback"
    verifier, challenge = pkce_pair()
    state = secrets.token_urlsafe(16)

    _Catcher.result = {}
    _Catcher.arrived.clear()
    server = http.server.HTTPServer(("127.0.0.1", args.port), _Catcher)
    threading.Thread(target=server.serve_forever, daemon=True).start()

    authorize = f"{base}/oauth/authorize/?" + urllib.parse.urlencode(
        {
            "response_type": "code",
            "client_id": args.client_id,
            "redirect_uri": redirect_uri,
            "scope": args.scope,
            "state": state,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
    )
    print("Open this page, sign in, choose devices and allow:\n\n  " + authorize + "\n")
    if not args.no_browser:
        webbrowser.open(authorize)
    if not _Catcher.arrived.wait(args.timeout):
        server.shutdown()
        print("No answer from the browser in time.", file=sys.stderr)
        return 1
    server.shutdown()

    result = _Catcher.result
    if result.get("state") != state:
        print("The state does not match: refusing this answer.", file=sys.stderr)
        return 1
    if "error" in result:
        print(
            f"Not allowed: {result['error']} {result.get('error_description', '')}", file=sys.stderr
        )
        return 1

    form = {
        "grant_type": "authorization_code",
        "code": result["code"],
        "redirect_uri": redirect_uri,
        "client_id": args.client_id,
        "code_verifier": verifier,
    }
    if args.client_secret:
        form["client_secret"] = args.client_secret
    status, tokens = http_json(f"{base}/oauth/token/", data=form)
    if status != 200:
        print(f"Token exchange failed ({status}): {tokens}", file=sys.stderr)
        return 1
    access = tokens["access_token"]
    print(f"Granted scopes: {tokens['scope']} (token valid {tokens['expires_in']} s)\n")

    status, devices = http_json(f"{base}/api/v1/devices", token=access)
    if status != 200:
        print(f"Listing devices failed ({status}): {devices}", file=sys.stderr)
        return 1
    if not devices:
        print("No device was shared with this app.")
    for device in devices:
        shadow = device["shadow"]
        online = "online" if device["is_online"] else "offline"
        print(f"{device['serial']}  {device['model']}  ({online}, seen {device['last_seen_at']})")
        print(f"  reported: {json.dumps(shadow['reported'], ensure_ascii=False)}")
        print(f"  desired:  {json.dumps(shadow['desired'], ensure_ascii=False)}")
        if "telemetry:read" in tokens["scope"].split():
            serial = urllib.parse.quote(device["serial"])
            status, readings = http_json(
                f"{base}/api/v1/devices/{serial}/readings?limit=1", token=access
            )
            if status == 200 and readings:
                latest = readings[0]
                print(
                    f"  latest reading at {latest['measured_at']}: {json.dumps(latest['values'])}"
                )
            elif status == 200:
                print("  no reading yet")

    refresh = {
        "grant_type": "refresh_token",
        "refresh_token": tokens["refresh_token"],
        "client_id": args.client_id,
    }
    if args.client_secret:
        refresh["client_secret"] = args.client_secret
    status, renewed = http_json(f"{base}/oauth/token/", data=refresh)
    if status == 200:
        print("\nRefreshed: a new access token and a new refresh token (the old one is spent).")
    else:
        print(f"\nRefresh failed ({status}): {renewed}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
