"""Page URLs of webhooks, under each developer app."""

from django.urls import path

from heyi.webhooks import views

app_name = "webhooks"

_BASE = "developers/apps/<uuid:app_uid>/webhooks/"

urlpatterns = [
    path(_BASE, views.endpoint_list, name="endpoint_list"),
    path(f"{_BASE}<uuid:endpoint_uid>/", views.endpoint_detail, name="endpoint_detail"),
    path(f"{_BASE}<uuid:endpoint_uid>/rotate/", views.endpoint_rotate, name="endpoint_rotate"),
    path(f"{_BASE}<uuid:endpoint_uid>/toggle/", views.endpoint_toggle, name="endpoint_toggle"),
    path(f"{_BASE}<uuid:endpoint_uid>/delete/", views.endpoint_delete, name="endpoint_delete"),
    path(f"{_BASE}<uuid:endpoint_uid>/test/", views.endpoint_test, name="endpoint_test"),
    path(f"{_BASE}deliveries/<uuid:delivery_uid>/", views.delivery_detail, name="delivery_detail"),
    path(
        f"{_BASE}deliveries/<uuid:delivery_uid>/replay/",
        views.delivery_replay,
        name="delivery_replay",
    ),
]
