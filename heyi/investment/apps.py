"""App config for investment: funding rounds, cap tables and bet contracts."""

from django.apps import AppConfig


class InvestmentConfig(AppConfig):
    name = "heyi.investment"
    label = "investment"
    verbose_name = "Investment"
