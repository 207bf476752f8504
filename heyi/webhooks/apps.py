"""App config for webhooks: apps' event subscriptions and signed, retried, logged deliveries."""

from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "heyi.webhooks"
    label = "webhooks"
    verbose_name = "Webhooks"
