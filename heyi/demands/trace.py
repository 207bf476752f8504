"""The trace of a demand as people read it: audit events with a human label per kind of step.

Any app adds steps to a demand's trace by recording audit events with the demand's uid; this
module only names them. An exact type gets its own label, otherwise the longest known prefix
(`designs.proposal`, then `designs`) names the step, and an unknown type still shows, labelled
by the stage it belongs to or simply as an event.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from heyi.core.models import AuditEvent

TRACE_LABELS: dict[str, Promise] = {
    "rules.demand.raised_by_device": _("Raised from a smart device"),
    "rules.demand.supported_by_device": _("Supported from a smart device"),
    "rules.demand.evidence_added": _("More evidence from a smart device"),
    "demands.demand.raised": _("Demand raised"),
    "demands.demand.updated": _("Demand edited"),
    "demands.demand.pictures_added": _("Pictures added"),
    "demands.demand.fan_added": _("New fan"),
    "demands.demand.fan_removed": _("A fan left"),
    "demands.demand.supported": _("Supported"),
    "demands.demand.support_withdrawn": _("Support withdrawn"),
    "demands.demand.status_changed": _("Status changed"),
    "demands.comment.posted": _("Comment"),
    "designs.claim.made": _("Co-design: demand claimed"),
    "designs.claim.withdrawn": _("Co-design: claim withdrawn"),
    "designs.round.opened": _("Co-design: round opened"),
    "designs.round.closed": _("Co-design: round closed"),
    "designs.design.selected": _("Co-design: design chosen"),
    "orders.campaign.started": _("Pre-orders opened"),
    "orders.campaign.reached": _("Pre-orders reached the threshold"),
    "orders.campaign.tender_opened": _("Production tender opened"),
    "orders.campaign.expired": _("Pre-orders expired"),
    "orders.campaign.cancelled": _("Pre-orders called off"),
    "orders.campaign.failed": _("No award: pre-orders cancelled"),
    "contention.tender.created": _("Tender drafted"),
    "contention.tender.published": _("Tender rule published"),
    "contention.tender.opened": _("Tender open for bids"),
    "contention.bid.submitted": _("Sealed bid received"),
    "contention.bid.revised": _("Sealed bid revised"),
    "contention.bid.withdrawn": _("Sealed bid withdrawn"),
    "contention.tender.awarded": _("Award with the full score table"),
    "contention.tender.closed_without_award": _("Tender closed without award"),
    "contention.tender.cancelled": _("Tender cancelled"),
    "orders.order.created_from_award": _("Orders created for the winners"),
    "orders.order.stage_advanced": _("Order moved on"),
    "orders.order.sample_approved": _("Sample approved"),
    "orders.order.sample_rejected": _("Sample rejected"),
    "orders.order.delayed": _("Order late against its promise"),
    "orders.order.rated": _("Order rated"),
    "supply.rfq.opened": _("Request for quotation opened"),
    "supply.rfq.awarded": _("Supply contracts awarded"),
    "supply.rfq.failed": _("Request for quotation without award"),
}

# Longest prefix wins; the last part of each entry is the stage of the chain it belongs to.
TRACE_PREFIX_LABELS: dict[str, tuple[Promise, str]] = {
    "demands.comment": (_("Comment"), "demand"),
    "demands": (_("Demand"), "demand"),
    "designs.claim": (_("Co-design: claim"), "co_design"),
    "designs.round": (_("Co-design: round"), "co_design"),
    "designs.proposal": (_("Co-design: proposal"), "co_design"),
    "designs.version": (_("Co-design: new version"), "co_design"),
    "designs.proposal_version": (_("Co-design: new version"), "co_design"),
    "designs.vote": (_("Co-design: vote"), "co_design"),
    "designs.comment": (_("Co-design: comment"), "co_design"),
    "designs.picture": (_("Co-design: picture"), "co_design"),
    "designs.selection": (_("Co-design: design chosen"), "co_design"),
    "designs.design": (_("Co-design: design chosen"), "co_design"),
    "designs": (_("Co-design"), "co_design"),
    "orders.campaign": (_("Pre-order campaign"), "pre_order"),
    "orders.preorder": (_("Pre-order"), "pre_order"),
    "contention.tender": (_("Tender"), "contention"),
    "contention.bid": (_("Bid"), "contention"),
    "contention": (_("Contention"), "contention"),
    "orders": (_("Order"), "order"),
    "supply": (_("Sourcing"), "order"),
    "logistics": (_("Delivery"), "delivery"),
    "devices": (_("Smart device"), "device"),
    "rules": (_("Smart device rule"), "device"),
    "ledger": (pgettext_lazy("trace stage", "Value"), "value"),
    "investment": (_("Investment"), "value"),
    "ventures": (_("Venture"), "venture"),
}

FALLBACK_LABEL = _("Event")
FALLBACK_STAGE = "other"


def trace_label(event_type: str) -> tuple[str, str]:
    """The human label and the chain stage of an audit event type."""
    parts = event_type.split(".")
    stage = FALLBACK_STAGE
    for length in range(len(parts), 0, -1):
        prefix = ".".join(parts[:length])
        if prefix in TRACE_PREFIX_LABELS:
            label, stage = TRACE_PREFIX_LABELS[prefix]
            exact = TRACE_LABELS.get(event_type)
            return str(exact if exact is not None else label), stage
    exact = TRACE_LABELS.get(event_type)
    return str(exact if exact is not None else FALLBACK_LABEL), stage


@dataclass(frozen=True)
class TraceEntry:
    occurred_at: datetime
    type: str
    label: str
    stage: str
    summary: str
    actor_name: str
    actor_uid: uuid.UUID | None
    subject_type: str
    subject_uid: uuid.UUID | None
    # Only the public reason is lifted out of the event's data: the rest of it is for auditors.
    reason: str = ""


def trace_entry_from_event(event: AuditEvent) -> TraceEntry:
    label, stage = trace_label(event.type)
    actor = event.actor
    data = event.data if isinstance(event.data, dict) else {}
    reason = data.get("reason")
    return TraceEntry(
        occurred_at=event.occurred_at,
        type=event.type,
        label=label,
        stage=stage,
        summary=event.summary,
        actor_name=actor.name if actor is not None else "",
        actor_uid=actor.uid if actor is not None else None,
        subject_type=event.subject_type,
        subject_uid=event.subject_uid,
        reason=reason if isinstance(reason, str) else "",
    )
