"""Page URLs of co-design: under a demand's number, and proposals by their uid."""

from django.urls import path

from heyi.designs import views

app_name = "designs"

urlpatterns = [
    path("demands/<int:number>/co-design/", views.demand_co_design, name="demand"),
    path("demands/<int:number>/co-design/claims/", views.claim_make, name="claim_make"),
    path(
        "demands/<int:number>/co-design/claims/<uuid:uid>/withdraw/",
        views.claim_withdraw,
        name="claim_withdraw",
    ),
    path(
        "demands/<int:number>/co-design/rounds/next/",
        views.round_open_next,
        name="round_open_next",
    ),
    path(
        "demands/<int:number>/co-design/rounds/<uuid:uid>/close/",
        views.round_close,
        name="round_close",
    ),
    path("demands/<int:number>/co-design/proposals/new/", views.proposal_new, name="proposal_new"),
    path("demands/<int:number>/co-design/selection/", views.selection_make, name="selection_make"),
    path(
        "demands/<int:number>/co-design/selection/by-vote/",
        views.selection_by_vote,
        name="selection_by_vote",
    ),
    path("proposals/<uuid:uid>/", views.proposal_detail, name="proposal"),
    path("proposals/<uuid:uid>/versions/new/", views.version_new, name="version_new"),
    path("proposals/<uuid:uid>/vote/", views.vote_cast, name="vote"),
    path("proposals/<uuid:uid>/comments/", views.comment_post, name="comment_post"),
]
