"""Error codes of the co-design domain."""

from __future__ import annotations

from enum import StrEnum

from heyi.core.errors import DomainError


class DesignsErrorCode(StrEnum):
    NOT_AUTHENTICATED = "not_authenticated"
    # Claims
    CLAIM_NOT_FOUND = "claim_not_found"
    CLAIM_NOT_ALLOWED = "claim_not_allowed"
    ALREADY_CLAIMED = "already_claimed"
    CLAIM_WITHDRAWN = "claim_withdrawn"
    NOT_CLAIMANT = "not_claimant"
    NOT_VENTURE_MEMBER = "not_venture_member"
    VENTURE_DISSOLVED = "venture_dissolved"
    NO_ACTIVE_CLAIM = "no_active_claim"
    # Rounds
    ROUND_NOT_FOUND = "round_not_found"
    ROUND_NOT_OPEN = "round_not_open"
    NO_OPEN_ROUND = "no_open_round"
    ROUND_ALREADY_OPEN = "round_already_open"
    NOT_DEMAND_AUTHOR = "not_demand_author"
    DEMAND_NOT_IN_CO_DESIGN = "demand_not_in_co_design"
    # Proposals and versions
    PROPOSAL_NOT_FOUND = "proposal_not_found"
    VERSION_NOT_FOUND = "version_not_found"
    VERSION_NOT_CURRENT = "version_not_current"
    VERSION_CONFLICT = "version_conflict"
    NOT_PROPOSAL_AUTHOR = "not_proposal_author"
    PRICE_INVALID = "price_invalid"
    CURRENCY_UNSUPPORTED = "currency_unsupported"
    MODULE_INVALID = "module_invalid"
    TOO_MANY_MODULES = "too_many_modules"
    OPTION_INVALID = "option_invalid"
    OPTION_DUPLICATE = "option_duplicate"
    OPTION_DEFAULT_DUPLICATE = "option_default_duplicate"
    TOO_MANY_OPTIONS = "too_many_options"
    CONFIGURATION_NOT_POSITIVE = "configuration_not_positive"
    CHOICE_INVALID = "choice_invalid"
    TOO_MANY_PICTURES = "too_many_pictures"
    # Votes and comments
    NOT_ALLOWED_TO_VOTE = "not_allowed_to_vote"
    OWN_PROPOSAL = "own_proposal"
    ALREADY_VOTED = "already_voted"
    COMMENT_NOT_FOUND = "comment_not_found"
    COMMENT_PARENT_INVALID = "comment_parent_invalid"
    # Selection
    SELECTION_NOT_FOUND = "selection_not_found"
    SELECTION_EXISTS = "selection_exists"
    SELECTION_MODE_MISMATCH = "selection_mode_mismatch"
    NOT_ALLOWED_TO_SELECT = "not_allowed_to_select"
    NO_ROUNDS = "no_rounds"
    NO_VOTES = "no_votes"


class DesignsError(DomainError):
    """A co-design rule refused the action (409 unless a status is given)."""
