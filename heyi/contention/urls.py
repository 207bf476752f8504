"""Page URLs of the contention app: tenders, bidding, close, award notice and verification."""

from django.urls import path

from heyi.contention import daily_views, views

app_name = "contention"

urlpatterns = [
    path("tenders/", views.tender_list_page, name="tender_list"),
    path("tenders/<int:number>/", views.tender_detail_page, name="tender_detail"),
    path("tenders/<int:number>/bid/", views.bid_submit_page, name="bid_submit"),
    path("tenders/<int:number>/withdraw/", views.bid_withdraw_page, name="bid_withdraw"),
    path("tenders/<int:number>/publish/", views.tender_publish_page, name="tender_publish"),
    path("tenders/<int:number>/close/", views.tender_close_page, name="tender_close"),
    path("tenders/<int:number>/verify/", views.tender_verify_page, name="tender_verify"),
    path("daily-contention/", daily_views.daily_run_list_page, name="daily_run_list"),
    path(
        "daily-contention/<int:number>/", daily_views.daily_run_detail_page, name="daily_run_detail"
    ),
    path(
        "ventures/<slug:slug>/standing-bids/", daily_views.standing_bids_page, name="standing_bids"
    ),
    path(
        "ventures/<slug:slug>/standing-bids/<slug:product>/",
        daily_views.standing_bid_save,
        name="standing_bid_save",
    ),
]
