"""App config for events: the platform's own events, registration, tickets and the live feed."""

from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "heyi.events"
    label = "events"
    verbose_name = "Events"
