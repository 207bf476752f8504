"""Page URLs of the win-win value-added statements (included by value/urls.py)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
