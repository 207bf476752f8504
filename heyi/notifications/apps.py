"""App config for notifications: on-site notices with an e-mail copy."""

from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "heyi.notifications"
    label = "notifications"
    verbose_name = "Notifications"
