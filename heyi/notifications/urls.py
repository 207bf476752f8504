"""Page URLs of notifications."""

from django.urls import path

from heyi.notifications import views

app_name = "notifications"

urlpatterns = [
    path("me/notifications/", views.notification_list, name="list"),
    path("me/notifications/badge/", views.notification_badge, name="badge"),
    path("me/notifications/read-all/", views.notification_read_all, name="read_all"),
    path("me/notifications/preferences/", views.notification_preferences, name="preferences"),
    path("me/notifications/<uuid:uid>/open/", views.notification_open, name="open"),
    path("me/notifications/<uuid:uid>/read/", views.notification_read, name="read"),
]
