"""App config for orders: registers the production-tender award handler once the apps are ready."""

from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "heyi.orders"
    label = "orders"
    verbose_name = "Orders"

    def ready(self) -> None:
        # Contention may not import orders, so orders tells it what to do after an award.
        from heyi.contention import award_handlers
        from heyi.orders.order_services import order_award_apply

        award_handlers.register("demand_production", order_award_apply)
