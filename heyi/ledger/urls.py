"""Page URLs of ledger."""

from django.urls import path  # noqa: F401

app_name = "ledger"

urlpatterns: list = []
