"""Page URLs of devices."""

from django.urls import path

from heyi.devices import views

app_name = "devices"

urlpatterns = [
    path("devices/", views.device_list_mine, name="mine"),
    path("devices/bind/", views.device_bind, name="bind"),
    path("devices/<str:serial>/", views.device_detail, name="detail"),
    path("devices/<str:serial>/live.json", views.device_live, name="live"),
    path("devices/<str:serial>/charts/", views.device_charts, name="charts"),
    path("devices/<str:serial>/commands/", views.device_command_send, name="command_send"),
    path("devices/<str:serial>/desired/", views.device_desired_set, name="desired_set"),
    path("devices/<str:serial>/shares/", views.device_share_add, name="share_add"),
    path(
        "devices/<str:serial>/shares/<str:member>/remove/",
        views.device_share_remove,
        name="share_remove",
    ),
    path("devices/<str:serial>/unbind/", views.device_unbind, name="unbind"),
    path(
        "devices/<str:serial>/credentials/roll/",
        views.device_credential_roll,
        name="credential_roll",
    ),
    path(
        "devices/<str:serial>/credentials/revoke/",
        views.device_credential_revoke,
        name="credential_revoke",
    ),
]
