"""App config for value: settlement by the share rule, members' pay, statements."""

from django.apps import AppConfig


class ValueConfig(AppConfig):
    name = "heyi.value"
    label = "value"
    verbose_name = "Value"
