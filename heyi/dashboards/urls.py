"""Page URLs of dashboards."""

from django.urls import path

from heyi.dashboards import views

app_name = "dashboards"

urlpatterns: list = [
    path("numbers/", views.numbers_page, name="numbers"),
    path("operations/dashboard/", views.operations_dashboard, name="operations_dashboard"),
]
