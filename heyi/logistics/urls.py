"""Page URLs of logistics."""

from django.urls import path

from heyi.logistics import views

app_name = "logistics"

urlpatterns = [
    path("network/", views.network_page, name="network"),
]
