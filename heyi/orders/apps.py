"""App config for orders: registers the production-tender award handler once the apps are ready."""

from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "heyi.orders"
    label = "orders"
    verbose_name = "Orders"

    def ready(self) -> None:
        # Contention may not import orders, so orders tells it what to do after an award.
        from heyi.contention import award_handlers, record_providers
        from heyi.orders.order_selectors import venture_record
        from heyi.orders.order_services import order_award_apply

        award_handlers.register("demand_production", order_award_apply)
        # Deliveries and ratings are the ventures' record that future tenders score.
        record_providers.register("orders", venture_record)
