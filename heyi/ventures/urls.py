"""Page URLs of the ventures app."""

from django.urls import path, register_converter

from heyi.ventures import views


class VentureSlugConverter:
    """Venture slugs keep Chinese characters (allow_unicode), which Django's `slug` refuses."""

    regex = r"[-\w]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(VentureSlugConverter, "venture_slug")

app_name = "ventures"

# The literal paths come first; venture_create never gives a venture one of their names.
urlpatterns = [
    path("", views.venture_list, name="list"),
    path("new/", views.venture_create, name="create"),
    path("invitations/", views.invitation_inbox, name="inbox"),
    path("invitations/<uuid:uid>/accept/", views.invitation_accept, name="invitation_accept"),
    path("invitations/<uuid:uid>/decline/", views.invitation_decline, name="invitation_decline"),
    path(
        "invitations/<uuid:uid>/withdraw/",
        views.invitation_withdraw,
        name="invitation_withdraw",
    ),
    path(
        "join-requests/<uuid:uid>/approve/",
        views.join_request_approve,
        name="join_request_approve",
    ),
    path("join-requests/<uuid:uid>/reject/", views.join_request_reject, name="join_request_reject"),
    path(
        "join-requests/<uuid:uid>/withdraw/",
        views.join_request_withdraw,
        name="join_request_withdraw",
    ),
    path("<venture_slug:slug>/", views.venture_detail, name="detail"),
    path("<venture_slug:slug>/edit/", views.venture_edit, name="edit"),
    path("<venture_slug:slug>/status/", views.venture_status_change, name="status"),
    path("<venture_slug:slug>/invite/", views.venture_invite, name="invite"),
    path("<venture_slug:slug>/join/", views.venture_join, name="join"),
    path("<venture_slug:slug>/requests/", views.venture_requests, name="requests"),
    path("<venture_slug:slug>/leave/", views.venture_leave, name="leave"),
]
