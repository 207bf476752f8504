"""App config for contention."""

from django.apps import AppConfig


class ContentionConfig(AppConfig):
    name = "heyi.contention"
    label = "contention"
    verbose_name = "Contention"
