"""Writes about demands."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from heyi.core.audit import audit_record
from heyi.demands.errors import DemandsError, DemandsErrorCode
from heyi.demands.models import Demand, DemandStatus, StatusChange

# The public lifecycle: open → co-design → pre-order → contention → in production → delivered →
# closed, and declined (with a reason) from any status before production.
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


@transaction.atomic
def demand_status_change(
    *, demand: Demand, to_status: str, actor: Any = None, reason: str = ""
) -> Demand:
    """Move a demand along its lifecycle; the change is public and a decline needs a reason.

    Callers check who may do it; this checks only that the lifecycle allows the move.
    """
    demand = Demand.objects.select_for_update().get(pk=demand.pk)
    from_status = demand.status
    if to_status not in ALLOWED_TRANSITIONS.get(from_status, set()):
        raise DemandsError(
            DemandsErrorCode.TRANSITION_NOT_ALLOWED,
            _("A demand cannot move from %(from)s to %(to)s.")
            % {"from": from_status, "to": to_status},
        )
    reason = (reason or "").strip()
    if to_status == DemandStatus.DECLINED and not reason:
        raise DemandsError(
            DemandsErrorCode.REASON_REQUIRED, _("A decline must say why."), status=422
        )
    now = timezone.now()
    demand.status = to_status
    demand.status_reason = reason
    demand.status_changed_at = now
    demand.save(update_fields=["status", "status_reason", "status_changed_at", "updated_at"])
    StatusChange.objects.create(
        demand=demand,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        changed_at=now,
    )
    audit_record(
        type="demands.demand.status_changed",
        summary=f"#{demand.number} moved from {from_status} to {to_status}",
        actor=actor,
        subject=demand,
        demand_uid=demand.uid,
        data={"from": from_status, "to": to_status, "reason": reason},
    )
    return demand
