"""URLs for profile, tokens and people's pages."""

from django.urls import path

from heyi.accounts import views

app_name = "accounts"

urlpatterns = [
    path("me/", views.profile, name="profile"),
    path("me/tokens/", views.token_list, name="tokens"),
    path("me/tokens/<uuid:uid>/revoke/", views.token_revoke, name="token_revoke"),
    path("people/<uuid:uid>/", views.person_detail, name="person"),
]
