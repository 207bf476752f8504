"""Page URLs of ledger."""

from django.urls import path

from heyi.ledger import views

app_name = "ledger"

urlpatterns: list = [
    path("me/wallet/", views.wallet, name="wallet"),
    path("ventures/<str:slug>/books/", views.books, name="books"),
    path("ledger/", views.overview, name="overview"),
    path("ledger/export.beancount", views.export, name="export"),
]
