"""Append audit events: every service records what it changed in the same transaction."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import models
from django.utils import timezone

from heyi.core.models import AuditEvent


def audit_record(
    *,
    type: str,
    summary: str,
    actor: Any = None,
    subject: models.Model | None = None,
    demand_uid: uuid.UUID | None = None,
    data: dict[str, Any] | None = None,
    is_public: bool = True,
) -> AuditEvent:
    """Append one event. `type` is dotted and past tense: `demands.demand.raised`."""
    subject_uid = getattr(subject, "uid", None) if subject is not None else None
    subject_type = subject._meta.label_lower if subject is not None else ""
    return AuditEvent.objects.create(
        occurred_at=timezone.now(),
        type=type,
        summary=summary[:300],
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        subject_type=subject_type,
        subject_uid=subject_uid,
        demand_uid=demand_uid,
        data=data or {},
        is_public=is_public,
    )


def trace_list(
    *, demand_uid: uuid.UUID, include_private: bool = False
) -> models.QuerySet[AuditEvent]:
    """Everything that happened to one demand, oldest first."""
    events = AuditEvent.objects.filter(demand_uid=demand_uid).select_related("actor")
    if not include_private:
        events = events.filter(is_public=True)
    return events.order_by("occurred_at", "id")
