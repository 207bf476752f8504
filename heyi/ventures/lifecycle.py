"""The venture lifecycle: which status moves are legal and who may make each (pure: no Django).

    incubating → accelerating → raising → spun off
                      ↑            │
                      └────────────┘  (the round failed or was cancelled, or raised less than
                                       it sought)
    incubating, accelerating, raising, spun off → dissolved (final: nothing leaves it)

Parties: `member` (a current member of the venture), `operator` (platform staff) and `system`
(the platform itself, acting for a funding round). Members and operators move a venture from
incubating to accelerating and dissolve it; a venture starts raising only by opening a funding
round, and leaves raising only by that round's close or cancellation (the investment app calls
`venture_status_change(..., system=True)`).
"""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    INCUBATING = "incubating"
    ACCELERATING = "accelerating"
    RAISING = "raising"
    SPUN_OFF = "spun_off"
    DISSOLVED = "dissolved"


class Party(StrEnum):
    MEMBER = "member"
    OPERATOR = "operator"
    SYSTEM = "system"


MEMBER, OPERATOR, SYSTEM = Party.MEMBER, Party.OPERATOR, Party.SYSTEM

TRANSITIONS: dict[tuple[Status, Status], frozenset[Party]] = {
    (Status.INCUBATING, Status.ACCELERATING): frozenset({MEMBER, OPERATOR}),
    # Opening a funding round.
    (Status.ACCELERATING, Status.RAISING): frozenset({SYSTEM}),
    # The round's close: it raised what it sought, or it did not (or failed, or was cancelled).
    (Status.RAISING, Status.SPUN_OFF): frozenset({SYSTEM}),
    (Status.RAISING, Status.ACCELERATING): frozenset({SYSTEM}),
    (Status.INCUBATING, Status.DISSOLVED): frozenset({MEMBER, OPERATOR}),
    (Status.ACCELERATING, Status.DISSOLVED): frozenset({MEMBER, OPERATOR}),
    (Status.RAISING, Status.DISSOLVED): frozenset({MEMBER, OPERATOR}),
    (Status.SPUN_OFF, Status.DISSOLVED): frozenset({MEMBER, OPERATOR}),
}

# Why a move that only the platform makes is refused to people: shown with the refusal.
SYSTEM_ONLY_REASONS: dict[Status, str] = {
    Status.RAISING: "A venture starts raising only by opening a funding round.",
    Status.SPUN_OFF: "A venture is spun off only by a funding round that raised what it sought.",
    Status.ACCELERATING: "A raising venture goes back to accelerating only when its round closes "
    "or is cancelled.",
}


class Refusal(StrEnum):
    FINAL = "final"  # nothing leaves dissolved
    ILLEGAL = "illegal"  # no such move
    NOT_YOURS = "not_yours"  # the move exists, for another party (the platform's round)


class LifecycleError(Exception):
    """A refused move: `refusal` says which kind (the services word it for people)."""

    def __init__(self, refusal: Refusal, message: str) -> None:
        super().__init__(message)
        self.refusal = refusal
        self.message = message


def move_allowed(from_status: str, to_status: str, *, party: Party) -> bool:
    parties = TRANSITIONS.get((Status(from_status), Status(to_status)))
    return parties is not None and party in parties


def move_check(from_status: str, to_status: str, *, party: Party) -> None:
    """Raise LifecycleError unless `party` may move a venture from one status to the other."""
    source, target = Status(from_status), Status(to_status)
    parties = TRANSITIONS.get((source, target))
    if parties is None:
        if source == Status.DISSOLVED:
            raise LifecycleError(
                Refusal.FINAL, "A dissolved venture is closed for good; its status is final."
            )
        raise LifecycleError(
            Refusal.ILLEGAL, f"A venture that is {source.value} cannot become {target.value}."
        )
    if party not in parties:
        raise LifecycleError(
            Refusal.NOT_YOURS, SYSTEM_ONLY_REASONS.get(target, "This move is not yours to make.")
        )


def moves_for(from_status: str, *, party: Party) -> list[Status]:
    """The statuses `party` may move a venture to from `from_status`, in lifecycle order."""
    order = {status: index for index, status in enumerate(Status)}
    return sorted(
        (
            target
            for (source, target), parties in TRANSITIONS.items()
            if source == from_status and party in parties
        ),
        key=order.__getitem__,
    )
