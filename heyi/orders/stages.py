"""The order stage machine: which moves are legal, who may make each, and what each must carry.

Pure: no Django, no database. The services ask `transition_check` before writing anything; the
pages ask `moves_for` to offer only the moves the viewer may make.

The main line (PRODUCT.md step 5):

    placed → paid → confirmed → sourcing → in_production → quality_checked → shipped →
    at_station → out_for_delivery → delivered → installed → completed

Shortcuts: `confirmed → in_production` (nothing to source), `delivered → completed` (nothing to
install), `confirmed → shipped` (an order served from stock at a centre: nothing to make; the
services refuse it for made-to-order orders). Rework: `quality_checked → in_production` when the sample is not good (a note says why).

Side paths:
- cancelled: by the user before production starts (placed, paid, confirmed, sourcing), by the
  venture from paid/confirmed/sourcing with a note, by an operator from any stage up to
  quality_checked or from an exception, with a note;
- refunded: only from cancelled, by an operator or the platform (the services also check that
  the order was paid: an unpaid order has nothing to refund);
- exception: from any stage between confirmed and delivered, by the venture, an operator or the
  platform, with a note. From an exception the order goes back only to the stage it was raised
  from (the services pass `resumed_from`), by the venture or an operator with a note, or is
  cancelled by an operator.

Parties: `user` (the buyer), `venture` (a current member of the venture making the order),
`operator` (platform staff), `system` (the platform itself: award handler, logistics, sweeps).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Stage(StrEnum):
    PLACED = "placed"
    PAID = "paid"
    CONFIRMED = "confirmed"
    SOURCING = "sourcing"
    IN_PRODUCTION = "in_production"
    QUALITY_CHECKED = "quality_checked"
    SHIPPED = "shipped"
    AT_STATION = "at_station"
    OUT_FOR_DELIVERY = "out_for_delivery"
    DELIVERED = "delivered"
    INSTALLED = "installed"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    REFUNDED = "refunded"
    EXCEPTION = "exception"


class Party(StrEnum):
    USER = "user"
    VENTURE = "venture"
    OPERATOR = "operator"
    SYSTEM = "system"


MAIN_LINE: tuple[Stage, ...] = (
    Stage.PLACED,
    Stage.PAID,
    Stage.CONFIRMED,
    Stage.SOURCING,
    Stage.IN_PRODUCTION,
    Stage.QUALITY_CHECKED,
    Stage.SHIPPED,
    Stage.AT_STATION,
    Stage.OUT_FOR_DELIVERY,
    Stage.DELIVERED,
    Stage.INSTALLED,
    Stage.COMPLETED,
)
TERMINAL: frozenset[Stage] = frozenset({Stage.COMPLETED, Stage.REFUNDED})
# An exception may be raised from these stages, and the order returns to the one it left.
EXCEPTION_SOURCES: tuple[Stage, ...] = MAIN_LINE[2:10]
# The user may choose a delivery slot while the order has not left the venture.
SLOT_STAGES: frozenset[Stage] = frozenset(MAIN_LINE[2:6])
# The user may rate once the goods arrived.
RATING_STAGES: frozenset[Stage] = frozenset({Stage.DELIVERED, Stage.INSTALLED, Stage.COMPLETED})


@dataclass(frozen=True)
class Rule:
    """One legal move: who may make it and whether it needs a note or a photo."""

    parties: frozenset[Party]
    note_required: bool = False
    photo_required: bool = False
    # The move is legal only back to the stage the exception was raised from.
    resume_only: bool = False


USR, VEN, OPS, SYS = Party.USER, Party.VENTURE, Party.OPERATOR, Party.SYSTEM


def _rule(*parties: Party, note: bool = False, photo: bool = False, resume: bool = False) -> Rule:
    return Rule(frozenset(parties), note_required=note, photo_required=photo, resume_only=resume)


TRANSITIONS: dict[tuple[Stage, Stage], Rule] = {
    # Payment is recorded as a state (the ledger posts the money later).
    (Stage.PLACED, Stage.PAID): _rule(USR, OPS, SYS),
    (Stage.PAID, Stage.CONFIRMED): _rule(VEN, OPS, SYS),
    (Stage.CONFIRMED, Stage.SOURCING): _rule(VEN, OPS),
    (Stage.CONFIRMED, Stage.IN_PRODUCTION): _rule(VEN, OPS),
    (Stage.SOURCING, Stage.IN_PRODUCTION): _rule(VEN, OPS),
    # The quality check shows the user a photo of the sample, which they approve or reject.
    (Stage.IN_PRODUCTION, Stage.QUALITY_CHECKED): _rule(VEN, OPS, photo=True),
    (Stage.QUALITY_CHECKED, Stage.IN_PRODUCTION): _rule(VEN, OPS, note=True),
    (Stage.QUALITY_CHECKED, Stage.SHIPPED): _rule(VEN, OPS),
    # An order served from stock leaves the centre once confirmed: nothing is made. The services
    # refuse this move for made-to-order orders.
    (Stage.CONFIRMED, Stage.SHIPPED): _rule(OPS, SYS),
    (Stage.SHIPPED, Stage.AT_STATION): _rule(VEN, OPS, SYS),
    (Stage.AT_STATION, Stage.OUT_FOR_DELIVERY): _rule(VEN, OPS, SYS),
    # The user confirms delivery, or the platform does when the driver enters the one-time code
    # the user gave them (logistics); an operator settles a disputed delivery.
    (Stage.OUT_FOR_DELIVERY, Stage.DELIVERED): _rule(USR, OPS, SYS),
    (Stage.DELIVERED, Stage.INSTALLED): _rule(VEN, OPS),
    (Stage.DELIVERED, Stage.COMPLETED): _rule(USR, OPS, SYS),
    (Stage.INSTALLED, Stage.COMPLETED): _rule(USR, OPS, SYS),
    (Stage.PLACED, Stage.CANCELLED): _rule(USR, OPS),
    (Stage.PAID, Stage.CANCELLED): _rule(USR, VEN, OPS, note=True),
    (Stage.CONFIRMED, Stage.CANCELLED): _rule(USR, VEN, OPS, note=True),
    (Stage.SOURCING, Stage.CANCELLED): _rule(USR, VEN, OPS, note=True),
    (Stage.IN_PRODUCTION, Stage.CANCELLED): _rule(OPS, note=True),
    (Stage.QUALITY_CHECKED, Stage.CANCELLED): _rule(OPS, note=True),
    (Stage.EXCEPTION, Stage.CANCELLED): _rule(OPS, note=True),
    (Stage.CANCELLED, Stage.REFUNDED): _rule(OPS, SYS),
}
for _source in EXCEPTION_SOURCES:
    TRANSITIONS[(_source, Stage.EXCEPTION)] = _rule(VEN, OPS, SYS, note=True)
    TRANSITIONS[(Stage.EXCEPTION, _source)] = _rule(VEN, OPS, note=True, resume=True)


class StageErrorCode(StrEnum):
    UNKNOWN_STAGE = "stage_unknown"
    ILLEGAL = "stage_transition_illegal"
    NOT_YOUR_MOVE = "stage_not_your_move"
    NOTE_REQUIRED = "stage_note_required"
    PHOTO_REQUIRED = "stage_photo_required"


class StageError(Exception):
    """A refused move, with a code the services map to a DomainError."""

    def __init__(self, code: StageErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def stage_parse(value: str) -> Stage:
    try:
        return Stage(value)
    except ValueError as error:
        raise StageError(StageErrorCode.UNKNOWN_STAGE, f"Unknown stage {value!r}.") from error


def transition_rule(
    from_stage: str, to_stage: str, *, resumed_from: str | None = None
) -> Rule | None:
    """The rule of a move, or None when the move is not legal from here."""
    rule = TRANSITIONS.get((Stage(from_stage), Stage(to_stage)))
    if rule is None or (rule.resume_only and to_stage != resumed_from):
        return None
    return rule


def transition_check(
    from_stage: str,
    to_stage: str,
    *,
    parties: frozenset[Party] | set[Party],
    has_note: bool,
    has_photo: bool,
    resumed_from: str | None = None,
) -> Party:
    """Check a move; return the party it is made as, or raise StageError.

    When the actor holds several parts (a buyer who is also a member of the venture), the move
    is recorded as made by the first of user, venture, operator, system the rule allows.
    """
    target = stage_parse(to_stage)
    rule = transition_rule(from_stage, target, resumed_from=resumed_from)
    if rule is None:
        raise StageError(
            StageErrorCode.ILLEGAL, f"An order cannot go from {from_stage} to {target.value}."
        )
    allowed = [
        party for party in (USR, VEN, OPS, SYS) if party in rule.parties and party in parties
    ]
    if not allowed:
        raise StageError(
            StageErrorCode.NOT_YOUR_MOVE, f"You may not move this order to {target.value}."
        )
    if rule.note_required and not has_note:
        raise StageError(StageErrorCode.NOTE_REQUIRED, "This move needs a note saying why.")
    if rule.photo_required and not has_photo:
        raise StageError(StageErrorCode.PHOTO_REQUIRED, "This move needs a photo.")
    return allowed[0]


def moves_for(
    from_stage: str, *, parties: frozenset[Party] | set[Party], resumed_from: str | None = None
) -> list[tuple[Stage, Rule]]:
    """The moves the holder of `parties` may make from a stage, in main-line order."""
    order = {stage: index for index, stage in enumerate(Stage)}
    moves = []
    for (source, target), rule in TRANSITIONS.items():
        if source != from_stage or not rule.parties & set(parties):
            continue
        if rule.resume_only and target != resumed_from:
            continue
        moves.append((target, rule))
    return sorted(moves, key=lambda move: order[move[0]])
