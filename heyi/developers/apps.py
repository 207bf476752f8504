"""App config for developers: outside apps, their OAuth2 credentials and the users' consent."""

from django.apps import AppConfig


class DevelopersConfig(AppConfig):
    name = "heyi.developers"
    label = "developers"
    verbose_name = "Developers"
