"""App config for accounts: people, their roles and their API tokens."""

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "heyi.accounts"
    label = "accounts"
    verbose_name = "People and roles"
