"""Page URLs of devices."""

from django.urls import path

from heyi.devices import views

app_name = "devices"

urlpatterns = [
    path("devices/", views.device_list_mine, name="mine"),
    path("devices/bind/", views.device_bind, name="bind"),
]
