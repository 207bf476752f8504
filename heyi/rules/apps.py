"""App config for rules: when a device reports something, send a command, notify, open a
service ticket, or raise or support a demand."""

from django.apps import AppConfig


class RulesConfig(AppConfig):
    name = "heyi.rules"
    label = "rules"
    verbose_name = "Rules"
