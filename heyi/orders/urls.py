"""Page URLs of pre-orders (configurator, campaign, mine) and of orders (order, mine, board)."""

from django.urls import path

from heyi.orders import product_views, views

app_name = "orders"

urlpatterns = [
    path("demands/<int:number>/pre-order/", views.preorder_page, name="preorder"),
    path("demands/<int:number>/pre-order/price/", views.configurator_price, name="price"),
    path("demands/<int:number>/pre-order/start/", views.campaign_start, name="campaign_start"),
    path("demands/<int:number>/pre-order/cancel/", views.campaign_cancel, name="campaign_cancel"),
    path("me/pre-orders/", views.preorder_list_mine, name="mine"),
    path("me/pre-orders/<int:number>/cancel/", views.preorder_cancel, name="preorder_cancel"),
    path("orders/<int:number>/", views.order_detail, name="order_detail"),
    path("orders/<int:number>/timeline/", views.order_timeline, name="order_timeline"),
    path("orders/<int:number>/advance/", views.order_advance, name="order_advance"),
    path("orders/<int:number>/sample/", views.order_sample, name="order_sample"),
    path(
        "orders/<int:number>/delivery-slot/", views.order_delivery_slot, name="order_delivery_slot"
    ),
    path("orders/<int:number>/rating/", views.order_rate, name="order_rate"),
    path("me/orders/", views.order_list_mine, name="order_list_mine"),
    path("ventures/<slug:slug>/orders/", views.venture_orders, name="venture_orders"),
    path("products/", product_views.product_list_page, name="product_list"),
    path("products/<slug:slug>/", product_views.product_detail_page, name="product_detail"),
    path("daily-contention/run/", product_views.daily_run_now, name="daily_run_now"),
]
