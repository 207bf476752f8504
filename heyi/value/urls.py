"""Page URLs of value."""

from django.urls import path  # noqa: F401

app_name = "value"

from heyi.value.statement_urls import urlpatterns as statement_urlpatterns  # noqa: E402

urlpatterns: list = [*statement_urlpatterns]
