"""Page URLs of rules and service tickets."""

from django.urls import path

from heyi.rules import views

app_name = "rules"

urlpatterns = [
    path("devices/<str:serial>/rules/", views.device_rules, name="device"),
    path("rules/", views.rule_list_mine, name="mine"),
    path("rules/new/", views.rule_new, name="new"),
    path("rules/operator/", views.operator_rules, name="operator"),
    path("rules/<uuid:uid>/", views.rule_detail, name="detail"),
    path("rules/<uuid:uid>/toggle/", views.rule_toggle, name="toggle"),
    path("rules/<uuid:uid>/delete/", views.rule_delete, name="delete"),
    path("service-tickets/", views.ticket_list, name="tickets"),
    path("service-tickets/<uuid:uid>/", views.ticket_detail, name="ticket"),
    path("service-tickets/<uuid:uid>/done/", views.ticket_done, name="ticket_done"),
    path("service-tickets/<uuid:uid>/cancel/", views.ticket_cancel, name="ticket_cancel"),
]
