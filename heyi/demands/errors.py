"""Error codes of the demands domain."""

from __future__ import annotations

from enum import StrEnum

from heyi.core.errors import DomainError


class DemandsErrorCode(StrEnum):
    DEMAND_NOT_FOUND = "demand_not_found"
    TRANSITION_NOT_ALLOWED = "transition_not_allowed"
    STATUS_UNKNOWN = "status_unknown"
    REASON_REQUIRED = "reason_required"
    NOT_AUTHOR = "not_author"
    NOT_AUTHOR_OR_OPERATOR = "not_author_or_operator"
    NOT_AUTHENTICATED = "not_authenticated"
    DEMAND_NOT_EDITABLE = "demand_not_editable"
    DEMAND_NOT_ACTIVE = "demand_not_active"
    CATEGORY_UNKNOWN = "category_unknown"
    SELECTION_MODE_UNKNOWN = "selection_mode_unknown"
    SORT_UNKNOWN = "sort_unknown"
    TOO_MANY_TAGS = "too_many_tags"
    TAG_INVALID = "tag_invalid"
    TOO_MANY_PICTURES = "too_many_pictures"
    PICTURE_NOT_FOUND = "picture_not_found"
    ALREADY_FAN = "already_fan"
    NOT_FAN = "not_fan"
    ALREADY_SUPPORTER = "already_supporter"
    NOT_SUPPORTER = "not_supporter"
    OWN_DEMAND = "own_demand"
    COMMENT_NOT_FOUND = "comment_not_found"
    COMMENT_OTHER_DEMAND = "comment_other_demand"
    NUMBER_ALLOCATION_FAILED = "number_allocation_failed"


class DemandsError(DomainError):
    pass
