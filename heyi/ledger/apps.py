"""App config for the ledger."""

from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "heyi.ledger"
    label = "ledger"
    verbose_name = "Ledger"
