"""The public lifecycle of a demand: which status may follow which, and when it may be edited."""

from __future__ import annotations

from heyi.demands.models import DemandStatus

# open → co-design → pre-order → contention → in production → delivered → closed, a step back
# where a stage fails (a pre-order that misses its threshold returns to co-design, a tender
# without an award returns to pre-order), and declined (with a reason) from any status before
# production.
ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    DemandStatus.OPEN: {DemandStatus.CO_DESIGN, DemandStatus.DECLINED},
    DemandStatus.CO_DESIGN: {DemandStatus.PRE_ORDER, DemandStatus.OPEN, DemandStatus.DECLINED},
    DemandStatus.PRE_ORDER: {
        DemandStatus.CONTENTION,
        DemandStatus.CO_DESIGN,
        DemandStatus.DECLINED,
    },
    DemandStatus.CONTENTION: {
        DemandStatus.IN_PRODUCTION,
        DemandStatus.PRE_ORDER,
        DemandStatus.DECLINED,
    },
    DemandStatus.IN_PRODUCTION: {DemandStatus.DELIVERED},
    DemandStatus.DELIVERED: {DemandStatus.CLOSED},
    DemandStatus.CLOSED: set(),
    DemandStatus.DECLINED: set(),
}

# The author may reword a demand until a design is chosen and pre-orders open.
EDITABLE_STATUSES: frozenset[str] = frozenset({DemandStatus.OPEN, DemandStatus.CO_DESIGN})

# Supporting means "I want this too": it stops counting once the demand is declined or closed.
SUPPORTABLE_STATUSES: frozenset[str] = frozenset(
    set(DemandStatus.values) - {DemandStatus.DECLINED, DemandStatus.CLOSED}
)


def transition_allowed(*, from_status: str, to_status: str) -> bool:
    return to_status in ALLOWED_TRANSITIONS.get(from_status, set())
