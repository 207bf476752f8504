"""The JSON API under /api/v1/: one NinjaAPI, one router per app, one error shape."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from heyi.api_auth import REQUIRED_AUTH
from heyi.core.errors import CoreErrorCode, DomainError

api = NinjaAPI(
    title="heyi API",
    version="1",
    description=(
        'The open API of heyi. Errors are JSON objects `{"code": …, "detail": …}`. '
        "Mutations accept an `Idempotency-Key` header: a retry with the same key returns the "
        "first answer and changes nothing."
    ),
    urls_namespace="api",
    auth=REQUIRED_AUTH,
    docs_url="/docs",
)


def error_response(
    request: HttpRequest, *, status: int, code: str, detail: str, **extra: Any
) -> HttpResponse:
    return api.create_response(request, {"code": code, "detail": detail, **extra}, status=status)


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return error_response(request, status=exc.status, code=exc.code, detail=exc.message)


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [
        {"loc": [str(p) for p in e.get("loc", [])], "msg": str(e.get("msg", ""))}
        for e in exc.errors
    ]
    detail = "; ".join(f"{'.'.join(e['loc'])}: {e['msg']}" for e in errors) or _("Invalid input.")
    return error_response(
        request, status=422, code=CoreErrorCode.INVALID, detail=detail, errors=errors
    )


@api.exception_handler(AuthenticationError)
def on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error_response(
        request,
        status=401,
        code=CoreErrorCode.NOT_AUTHENTICATED,
        detail=_("Sign in, or send a personal API token as a Bearer token."),
    )


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(request, status=404, code=CoreErrorCode.NOT_FOUND, detail=_("Not found."))


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    code = CoreErrorCode.INVALID if exc.status_code < 500 else "server_error"
    return error_response(request, status=exc.status_code, code=code, detail=str(exc))


def _add_routers() -> None:
    # Imported here so that the routers can use the auth lists defined above.
    from heyi.accounts.api import router as accounts_router
    from heyi.contention.api import router as contention_router
    from heyi.dashboards.api import router as dashboards_router
    from heyi.demands.api import router as demands_router
    from heyi.designs.api import router as designs_router
    from heyi.developers.api import router as developers_router
    from heyi.devices.api import router as devices_router
    from heyi.events.api import router as events_router
    from heyi.investment.api import router as investment_router
    from heyi.ledger.api import router as ledger_router
    from heyi.logistics.api import router as logistics_router
    from heyi.logistics.fulfilment_api import router as fulfilment_router
    from heyi.logistics.route_api import router as route_router
    from heyi.logistics.shipment_api import router as shipment_router
    from heyi.notifications.api import router as notifications_router
    from heyi.orders.api import router as orders_router
    from heyi.products.api import router as products_router
    from heyi.rules.api import router as rules_router
    from heyi.supply.api import router as supply_router
    from heyi.value.api import router as value_router
    from heyi.value.statement_api import router as statement_router
    from heyi.ventures.api import router as ventures_router
    from heyi.webhooks.api import router as webhooks_router

    for router in (
        accounts_router,
        ventures_router,
        demands_router,
        designs_router,
        products_router,
        contention_router,
        orders_router,
        supply_router,
        notifications_router,
        logistics_router,
        fulfilment_router,
        shipment_router,
        route_router,
        devices_router,
        developers_router,
        webhooks_router,
        rules_router,
        ledger_router,
        value_router,
        statement_router,
        investment_router,
        events_router,
        dashboards_router,
    ):
        api.add_router("/", router)
    if settings.HEYI_BENCH_PROBE:
        # Only for the load benchmark's yardstick; off by default, so not in openapi.json.
        from heyi.probe.api import router as probe_router

        api.add_router("/", probe_router)


_add_routers()
