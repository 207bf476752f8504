"""Page URLs of pre-orders: a demand's configurator and campaign, and my pre-orders."""

from django.urls import path

from heyi.orders import views

app_name = "orders"

urlpatterns = [
    path("demands/<int:number>/pre-order/", views.preorder_page, name="preorder"),
    path("demands/<int:number>/pre-order/price/", views.configurator_price, name="price"),
    path("demands/<int:number>/pre-order/start/", views.campaign_start, name="campaign_start"),
    path("demands/<int:number>/pre-order/cancel/", views.campaign_cancel, name="campaign_cancel"),
    path("me/pre-orders/", views.preorder_list_mine, name="mine"),
    path("me/pre-orders/<int:number>/cancel/", views.preorder_cancel, name="preorder_cancel"),
]
