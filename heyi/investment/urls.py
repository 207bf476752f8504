"""Page URLs of investment."""

from django.urls import path

from heyi.investment import views

app_name = "investment"

urlpatterns = [
    path("investment/", views.investment_home, name="home"),
    path("investment/rounds/<uuid:uid>/", views.round_detail, name="round"),
    path("investment/rounds/<uuid:uid>/commit/", views.commitment_set, name="commit"),
    path("investment/rounds/<uuid:uid>/withdraw/", views.commitment_withdraw, name="withdraw"),
    path("investment/rounds/<uuid:uid>/close/", views.round_close, name="round_close"),
    path("investment/rounds/<uuid:uid>/cancel/", views.round_cancel, name="round_cancel"),
    path("investment/bets/<uuid:uid>/", views.bet_detail, name="bet"),
    path("investment/bets/<uuid:uid>/sign/", views.bet_sign, name="bet_sign"),
    path("investment/bets/<uuid:uid>/cancel/", views.bet_cancel, name="bet_cancel"),
    path("ventures/<venture_slug:slug>/investment/", views.venture_investment, name="venture"),
    path(
        "ventures/<venture_slug:slug>/investment/rounds/",
        views.round_open,
        name="round_open",
    ),
    path(
        "ventures/<venture_slug:slug>/investment/publishing/",
        views.publishing_set,
        name="publishing",
    ),
    path("ventures/<venture_slug:slug>/investment/bets/", views.bet_propose, name="bet_propose"),
    path("me/investments/", views.my_investments, name="mine"),
]
