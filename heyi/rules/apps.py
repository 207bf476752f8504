"""App config for rules: when a device reports something, send a command, notify, open a
service ticket, or raise or support a demand."""

from django.apps import AppConfig


class RulesConfig(AppConfig):
    name = "heyi.rules"
    label = "rules"
    verbose_name = "Rules"

    def ready(self) -> None:
        # Devices may not import rules: rules listen to the devices' event registry.
        from heyi.devices import events
        from heyi.rules.services import device_events_handle, service_ticket_award_apply

        events.register(device_events_handle)
        # Contention may not import rules: an awarded service-ticket tender assigns the ticket.
        from heyi.contention import award_handlers

        award_handlers.register("service_ticket", service_ticket_award_apply)
