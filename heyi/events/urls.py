"""Page URLs of events, the live feed and the contact form."""

from django.urls import path

from heyi.events import views
from heyi.events.feeds import PlatformNewsFeed

app_name = "events"

urlpatterns = [
    path("events/", views.event_list, name="list"),
    path("events/<slug:slug>/", views.event_home, name="home"),
    path("events/<slug:slug>/programme/", views.event_programme, name="programme"),
    path("events/<slug:slug>/speakers/", views.event_speakers, name="speakers"),
    path("events/<slug:slug>/partners/", views.event_partners, name="partners"),
    path("events/<slug:slug>/register/", views.event_register, name="register"),
    path("events/<slug:slug>/cancel/", views.event_cancel, name="cancel"),
    path("events/<slug:slug>/check-in/", views.check_in_page, name="check_in"),
    path("events/<slug:slug>/tickets/<str:token>/", views.ticket_page, name="ticket"),
    path("events/<slug:slug>/event.ics", views.event_calendar, name="event_ics"),
    path("events/<slug:slug>/programme.ics", views.programme_calendar, name="programme_ics"),
    path("feed/", views.feed_page, name="feed"),
    path("feed/partial/", views.feed_partial, name="feed_partial"),
    path("feed.atom", PlatformNewsFeed(), name="feed_atom"),
    path("contact/", views.contact_page, name="contact"),
]
