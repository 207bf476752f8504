"""App config for value: settlement by the share rule, members' pay, statements."""

from django.apps import AppConfig


class ValueConfig(AppConfig):
    name = "heyi.value"
    label = "value"
    verbose_name = "Value"

    def ready(self) -> None:
        # Orders may not import value: a completed order is settled through its stage hooks,
        # in the completion's own transaction.
        from heyi.orders import stage_hooks
        from heyi.value.services import order_completed_settle

        stage_hooks.register("completed", order_completed_settle)
