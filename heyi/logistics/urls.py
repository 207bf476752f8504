"""Page URLs of logistics."""

from django.urls import URLPattern

app_name = "logistics"

urlpatterns: list[URLPattern] = []
