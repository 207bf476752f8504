"""Page URLs of logistics."""

from django.urls import path

from heyi.logistics import route_views, views

app_name = "logistics"

urlpatterns = [
    path("network/", views.network_page, name="network"),
    path("network/stations/<uuid:uid>/", route_views.station_page, name="station"),
    path(
        "network/stations/<uuid:uid>/waves/",
        route_views.station_wave_plan,
        name="station_wave_plan",
    ),
    path("routes/", route_views.route_list_mine, name="route_list_mine"),
    path("routes/<uuid:uid>/", route_views.route_page, name="route"),
    path("routes/<uuid:uid>/assign/", route_views.route_assign, name="route_assign"),
    path("routes/<uuid:uid>/tender/", route_views.route_tender, name="route_tender"),
    path("routes/<uuid:uid>/start/", route_views.route_start, name="route_start"),
    path(
        "routes/<uuid:uid>/stops/<int:position>/deliver/",
        route_views.route_stop_deliver,
        name="route_stop_deliver",
    ),
]
