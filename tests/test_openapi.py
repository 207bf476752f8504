"""The committed openapi.json is the API's contract: it must match what the code generates.

Regenerate it after changing the API with:
    uv run python manage.py export_openapi_schema --api heyi.api.api --indent 2 --sorted --output openapi.json
"""

from __future__ import annotations

import json
from pathlib import Path

from heyi.api import api

OPENAPI_FILE = Path(__file__).resolve().parent.parent / "openapi.json"


def test_committed_openapi_matches_the_code() -> None:
    generated = json.loads(
        json.dumps(api.get_openapi_schema(path_prefix="/api/v1/"), sort_keys=True)
    )
    committed = json.loads(OPENAPI_FILE.read_text())
    assert generated == committed, (
        "openapi.json is out of date; regenerate it (see this test's docstring)"
    )


def test_docs_page_serves_assets_locally(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert b"cdn." not in response.content
    assert b"/static/ninja/swagger-ui-bundle.js" in response.content
