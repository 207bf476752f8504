"""App config for logistics: the network of centres and stations, promises, routes."""

from django.apps import AppConfig


class LogisticsConfig(AppConfig):
    name = "heyi.logistics"
    label = "logistics"
    verbose_name = "Logistics"

    def ready(self) -> None:
        # Orders may not import logistics, so logistics gives orders its promise and allocation.
        from heyi.logistics.fulfilment_services import LogisticsFulfilment
        from heyi.orders import fulfilment

        fulfilment.provider_set(LogisticsFulfilment())
        # Contention may not import logistics: an awarded delivery-route tender assigns the route.
        from heyi.contention import award_handlers
        from heyi.logistics.route_services import route_award_apply

        award_handlers.register("delivery_route", route_award_apply)
