"""Error codes of the logistics domain (the network of centres and stations)."""

from __future__ import annotations

from enum import StrEnum

from heyi.core.errors import DomainError


class LogisticsErrorCode(StrEnum):
    NOT_OPERATOR = "not_operator"
    STATION_NOT_FOUND = "station_not_found"
    CENTRE_NOT_FOUND = "centre_not_found"
    INVALID_NAME = "invalid_name"
    INVALID_COORDINATES = "invalid_coordinates"
    INVALID_PARAMETERS = "invalid_parameters"


class LogisticsDomainError(DomainError):
    """A logistics rule refused the action (409 unless a status is given)."""
