"""Errors of the dashboards: a period that cannot be read or is too long."""

from __future__ import annotations

from enum import StrEnum

from heyi.core.errors import DomainError


class DashboardsErrorCode(StrEnum):
    PERIOD_INVALID = "period_invalid"


class DashboardsError(DomainError):
    status = 422
