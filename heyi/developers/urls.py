"""Page URLs of developers, and the OAuth2 endpoints under /oauth/ (DOT's token, revocation and
introspection views; heyi's own consent page as the authorization endpoint)."""

from django.urls import path
from oauth2_provider import views as oauth_views

from heyi.developers import views

app_name = "developers"

urlpatterns = [
    path("developers/apps/", views.app_list_mine, name="app_list_mine"),
    path("developers/apps/new/", views.app_register, name="app_register"),
    path("developers/apps/<uuid:uid>/", views.app_detail, name="app_detail"),
    path("developers/apps/<uuid:uid>/edit/", views.app_edit, name="app_edit"),
    path("developers/apps/<uuid:uid>/secret/", views.app_secret_roll, name="app_secret_roll"),
    path("developers/apps/<uuid:uid>/review/", views.app_review_request, name="app_review"),
    *[
        path(
            f"developers/apps/<uuid:uid>/{decision}/",
            views.app_decide,
            {"decision": decision},
            name=f"app_{decision}",
        )
        for decision in ("approve", "refuse", "suspend", "reinstate")
    ],
    path("developers/review/", views.review_queue, name="review_queue"),
    path("account/apps/", views.grant_list_mine, name="grant_list_mine"),
    path("account/apps/<uuid:uid>/revoke/", views.grant_revoke, name="grant_revoke"),
    path("oauth/authorize/", views.ConsentView.as_view(), name="authorize"),
    path("oauth/token/", oauth_views.TokenView.as_view(), name="token"),
    path("oauth/revoke_token/", oauth_views.RevokeTokenView.as_view(), name="revoke_token"),
    path("oauth/introspect/", oauth_views.IntrospectTokenView.as_view(), name="introspect"),
]
