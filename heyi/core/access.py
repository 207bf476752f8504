"""What an API caller may reach when it is an app acting for a user (OAuth2), not the user.

`heyi.api_auth` sets `request.api_access` to an `ApiAccess` for an OAuth2 access token, and to
None for a personal token or a session (the user's own full reach). Endpoints that apps may call
check the scope and the devices here; every other endpoint refuses app tokens altogether.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Scope(StrEnum):
    DEVICES_READ = "devices:read"
    TELEMETRY_READ = "telemetry:read"
    COMMANDS_SEND = "commands:send"
    EVENTS_RECEIVE = "events:receive"


@dataclass(frozen=True, slots=True)
class ApiAccess:
    app_id: int  # heyi.developers.DeveloperApp
    grant_id: int  # heyi.developers.AppGrant
    environment: str  # "test" or "production"
    scopes: frozenset[str]
    device_ids: frozenset[int]  # the devices the user granted to the app

    def allows(self, scope: str) -> bool:
        return scope in self.scopes

    def reaches(self, device_id: int) -> bool:
        return device_id in self.device_ids


def request_access(request: Any) -> ApiAccess | None:
    return getattr(request, "api_access", None)
