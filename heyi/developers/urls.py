"""Page URLs of developers."""

from django.urls import path  # noqa: F401

app_name = "developers"

urlpatterns: list = []
