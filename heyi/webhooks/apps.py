"""App config for webhooks: apps' event subscriptions and signed, retried, logged deliveries."""

from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "heyi.webhooks"
    label = "webhooks"
    verbose_name = "Webhooks"

    def ready(self) -> None:
        # Devices and orders may not import webhooks: their registries call us instead.
        from heyi.devices import events
        from heyi.orders import stage_hooks
        from heyi.orders.models import OrderStage
        from heyi.webhooks.sources import device_events_deliver, order_stage_deliver

        events.register(device_events_deliver)
        for stage in OrderStage.values:
            stage_hooks.register(stage, order_stage_deliver)
