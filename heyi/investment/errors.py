"""Error codes of investment: funding rounds, commitments and bet contracts."""

from __future__ import annotations

from enum import StrEnum

from heyi.core.errors import DomainError


class InvestmentErrorCode(StrEnum):
    ROUND_NOT_FOUND = "round_not_found"
    BET_NOT_FOUND = "bet_not_found"
    NOT_MEMBER = "not_member"
    NOT_INVESTOR = "not_investor"
    NOT_SPONSOR = "not_sponsor"
    VENTURE_NOT_ACCELERATING = "venture_not_accelerating"
    VENTURE_NOT_RAISING = "venture_not_raising"
    VENTURE_DISSOLVED = "venture_dissolved"
    ROUND_OPEN_EXISTS = "round_open_exists"
    ROUND_NOT_OPEN = "round_not_open"
    ROUND_CLOSE_NOT_DUE = "round_close_not_due"
    ROUND_OVERSUBSCRIBED = "round_oversubscribed"
    ROUND_INVALID = "round_invalid"
    COMMITMENT_NOT_FOUND = "commitment_not_found"
    COMMITMENT_OWN_VENTURE = "commitment_own_venture"
    AMOUNT_INVALID = "amount_invalid"
    BET_INVALID = "bet_invalid"
    BET_NOT_PROPOSED = "bet_not_proposed"
    BET_ALREADY_ACCEPTED = "bet_already_accepted"


class InvestmentError(DomainError):
    pass
