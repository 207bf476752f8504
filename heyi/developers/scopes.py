"""What each OAuth2 scope lets an app do, in the plain words the consent page shows."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from heyi.core.access import Scope

SCOPE_WORDS: dict[str, Promise] = {
    Scope.DEVICES_READ.value: _("See the devices you connect and their current state"),
    Scope.TELEMETRY_READ.value: _("Read the readings and alarms of those devices"),
    Scope.COMMANDS_SEND.value: _("Change settings of those devices and send them commands"),
    Scope.EVENTS_RECEIVE.value: _("Be told when something happens to those devices"),
}


def scope_words(scopes: list[str]) -> list[tuple[str, str]]:
    """(scope, plain words) for each scope, in the order given."""
    return [(scope, str(SCOPE_WORDS.get(scope, scope))) for scope in scopes]
