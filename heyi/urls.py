"""Top-level URLs: pages per app, the API, the admin and allauth's account pages."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from heyi import views
from heyi.api import api

admin.site.site_header = "heyi operations"
admin.site.site_title = "heyi admin"

urlpatterns = [
    path("", views.home, name="home"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("", include("heyi.accounts.urls")),
    path("ventures/", include("heyi.ventures.urls")),
    path("demands/", include("heyi.demands.urls")),
    path("", include("heyi.designs.urls")),
    path("", include("heyi.contention.urls")),
    path("", include("heyi.orders.urls")),
    path("", include("heyi.supply.urls")),
    path("", include("heyi.notifications.urls")),
    path("", include("heyi.logistics.urls")),
    path("", include("heyi.devices.urls")),
    path("", include("heyi.developers.urls")),
    path("", include("heyi.webhooks.urls")),
    path("", include("heyi.rules.urls")),
    path("", include("heyi.ledger.urls")),
    path("", include("heyi.value.urls")),
    path("", include("heyi.investment.urls")),
    path("", include("heyi.events.urls")),
    path("", include("heyi.dashboards.urls")),
]

if settings.HEYI_SERVE_MEDIA:
    urlpatterns += [
        re_path(
            r"^%s(?P<path>.*)$" % settings.MEDIA_URL.lstrip("/"),
            serve,
            {"document_root": settings.MEDIA_ROOT},
        )
    ]
