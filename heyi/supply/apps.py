"""App config for supply: suppliers' catalogue, bills of materials and requests for quotation."""

from django.apps import AppConfig


class SupplyConfig(AppConfig):
    name = "heyi.supply"
    label = "supply"
    verbose_name = "Supply"

    def ready(self) -> None:
        # Contention may not import supply, so supply tells it what to do after an RFQ's award.
        from heyi.contention import award_handlers
        from heyi.supply.services import rfq_award_apply

        award_handlers.register("supply_rfq", rfq_award_apply)
