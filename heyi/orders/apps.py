"""App config for orders: registers the production-tender award handler once the apps are ready."""

from collections.abc import Iterable
from uuid import UUID

from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "heyi.orders"
    label = "orders"
    verbose_name = "Orders"

    def ready(self) -> None:
        # Contention may not import orders, so orders tells it what to do after an award.
        from heyi.contention import award_handlers, record_providers
        from heyi.orders.order_selectors import venture_record
        from heyi.orders.order_services import order_award_apply

        award_handlers.register("demand_production", order_award_apply)
        # Deliveries and ratings are the ventures' record that future tenders score.
        record_providers.register("orders", venture_record)
        # The ledger sits below orders: it labels and links postings' orders through this.
        from heyi.ledger.selectors import order_link_provider_set

        order_link_provider_set(_order_links)


def _order_links(uids: Iterable[UUID]) -> dict[UUID, tuple[str, str]]:
    from django.urls import reverse

    from heyi.orders.models import Order

    return {
        uid: (f"O{number}", reverse("orders:order_detail", args=[number]))
        for uid, number in Order.objects.filter(uid__in=list(uids)).values_list("uid", "number")
    }
