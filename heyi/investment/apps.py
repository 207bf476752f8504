"""App config for investment: funding rounds, cap tables and bet contracts."""

from django.apps import AppConfig


class InvestmentConfig(AppConfig):
    name = "heyi.investment"
    label = "investment"
    verbose_name = "Investment"

    def ready(self) -> None:
        from heyi.contention import award_handlers
        from heyi.investment.services import award_observe

        # A winning production bid's bet target becomes a bet contract (after orders' handler).
        award_handlers.observe("demand_production", award_observe)
