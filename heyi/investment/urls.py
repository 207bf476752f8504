"""Page URLs of investment."""

from django.urls import path  # noqa: F401

app_name = "investment"

urlpatterns: list = []
