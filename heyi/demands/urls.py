"""Page URLs of the demands app."""

from django.urls import path

from heyi.demands import views

app_name = "demands"

urlpatterns = [
    path("", views.demand_list_page, name="list"),
    path("new/", views.demand_create_page, name="create"),
    path("<int:number>/", views.demand_detail_page, name="detail"),
    path("<int:number>/edit/", views.demand_edit_page, name="edit"),
    path("<int:number>/fan/", views.demand_fan_page, name="fan"),
    path("<int:number>/support/", views.demand_support_page, name="support"),
    path("<int:number>/comments/", views.demand_comment_page, name="comment"),
    path("<int:number>/decline/", views.demand_decline_page, name="decline"),
    path("<int:number>/trace/", views.demand_trace_page, name="trace"),
]
