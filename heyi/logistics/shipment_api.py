"""The JSON API of shipments: an order's journey, its logistics steps, proof of delivery by the
buyer's one-time code, and the compensations of missed promises."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from heyi.logistics import route_selectors, shipment_selectors, shipment_services
from heyi.logistics.models import Compensation, Shipment
from heyi.logistics.shipment_schemas import (
    CompensationOut,
    DeliveryIn,
    ShipmentOut,
    ShipmentStepIn,
)

router = Router(tags=["logistics"])


def _shipment_out(shipment: Shipment, *, show_code: bool) -> dict[str, Any]:
    order = shipment.order
    return {
        "order_number": order.number,
        "fulfilment": order.fulfilment,
        "centre": shipment.centre.name if shipment.centre is not None else None,
        "station": shipment.station.name,
        "station_km": shipment.station_km,
        "promised_at": order.delivery_promised_at,
        "left_centre_at": shipment.left_centre_at,
        "at_station_at": shipment.at_station_at,
        "out_for_delivery_at": shipment.out_for_delivery_at,
        "delivered_at": shipment.delivered_at,
        "delivery_code": shipment.delivery_code if show_code else None,
        "code_locked": shipment.code_attempts >= shipment_services.DELIVERY_CODE_ATTEMPTS,
    }


@router.get("/orders/{number}/shipment", response=ShipmentOut)
def shipment_get(request: HttpRequest, number: int) -> Any:
    """The order's journey: its buyer (who alone sees the delivery code), its maker's members
    and operators."""
    shipment, show_code = shipment_selectors.shipment_get_for_viewer(
        order_number=number, user=request.user
    )
    return _shipment_out(shipment, show_code=show_code)


@router.post("/shipments/{order_number}/steps", response=ShipmentOut)
def shipment_step(request: HttpRequest, order_number: int, payload: ShipmentStepIn) -> Any:
    """Record a step (operators; the route's crew for going out for delivery). Repeating a step
    changes nothing."""
    route = (
        route_selectors.route_get(uid=payload.route_uid) if payload.route_uid is not None else None
    )
    shipment = shipment_services.shipment_step(
        shipment=shipment_selectors.shipment_get(order_number=order_number),
        step=payload.step,
        actor=request.user,
        route=route,
        note=payload.note,
    )
    return _shipment_out(shipment, show_code=False)


@router.post("/shipments/{order_number}/deliver", response=ShipmentOut)
def shipment_deliver(request: HttpRequest, order_number: int, payload: DeliveryIn) -> Any:
    """The driver (or an operator) enters the code the buyer gave: the order is delivered.

    A wrong code answers `delivery_code_wrong` and is counted; after five, `delivery_code_locked`
    until an operator confirms the delivery with a note.
    """
    shipment = shipment_services.shipment_deliver(
        shipment=shipment_selectors.shipment_get(order_number=order_number),
        code=payload.code,
        actor=request.user,
        note=payload.note,
    )
    return _shipment_out(shipment, show_code=False)


def _compensation_out(compensation: Compensation) -> dict[str, Any]:
    unit = compensation.venture or compensation.station or compensation.centre
    return {
        "uid": compensation.uid,
        "order_number": compensation.order.number,
        "amount": f"{compensation.amount:.2f}",
        "currency": compensation.currency,
        "promised_at": compensation.promised_at,
        "detected_at": compensation.detected_at,
        "fault": compensation.fault,
        "charged_to": getattr(unit, "name", ""),
        "rule": compensation.rule,
        "reason": compensation.reason,
    }


@router.get("/compensations", response=list[CompensationOut])
def compensation_list(request: HttpRequest) -> Any:
    """Compensations of missed promises: all of them for operators, one's own otherwise."""
    return [
        _compensation_out(compensation)
        for compensation in shipment_selectors.compensation_list_for_user(user=request.user)[:200]
    ]
