"""Error codes of the ventures domain."""

from __future__ import annotations

from enum import StrEnum

from heyi.core.errors import DomainError


class VenturesErrorCode(StrEnum):
    VENTURE_NOT_FOUND = "venture_not_found"
    NAME_TAKEN = "venture_name_taken"
    KIND_UNKNOWN = "venture_kind_unknown"
    STATUS_UNKNOWN = "venture_status_unknown"
    CATEGORY_UNKNOWN = "category_unknown"
    CAPACITY_INVALID = "capacity_invalid"
    TRANSITION_NOT_ALLOWED = "transition_not_allowed"
    VENTURE_DISSOLVED = "venture_dissolved"
    NOT_MEMBER = "not_member"
    ALREADY_MEMBER = "already_member"
    LAST_MEMBER = "last_member"
    INVITEE_REQUIRED = "invitee_required"
    INVITEE_NOT_FOUND = "invitee_not_found"
    INVITATION_NOT_FOUND = "invitation_not_found"
    INVITATION_PENDING = "invitation_pending"
    NOT_INVITEE = "not_invitee"
    JOIN_REQUEST_NOT_FOUND = "join_request_not_found"
    JOIN_REQUEST_PENDING = "join_request_pending"
    NOT_REQUESTER = "not_requester"
    ALREADY_DECIDED = "already_decided"


class VenturesError(DomainError):
    pass
