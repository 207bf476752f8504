"""App config for the shared core: base model, errors, audit trail."""

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "heyi.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        # Registers the `__any` lookup on every field (see the module).
        from heyi.core import lookups  # noqa: F401
