"""Page URLs of value."""

from django.urls import path

from heyi.value import views
from heyi.value.statement_urls import urlpatterns as statement_urlpatterns

app_name = "value"

urlpatterns: list = [
    path("orders/<int:number>/value/", views.order_value_split, name="order_value_split"),
    path("ventures/<str:slug>/pay/", views.venture_pay, name="venture_pay"),
    path("value/share-rules/", views.share_rules, name="share_rules"),
    *statement_urlpatterns,
]
