"""Rules' services: writing rules, evaluating them on device events, and each action."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from heyi.contention import award_handlers
from heyi.contention.models import SubjectType, Tender, TenderStatus
from heyi.contention.services import bid_submit, tender_close
from heyi.core.errors import DomainError
from heyi.core.models import AuditEvent
from heyi.demands.models import Demand, Support
from heyi.demands.selectors import demand_trace_list
from heyi.demands.services import demand_status_change
from heyi.demands.tests.factories import category_make
from heyi.designs.tests.factories import demand_make, person_make
from heyi.devices import events
from heyi.devices.events import DeviceEvent, DeviceEventType
from heyi.devices.models import CommandSource, Device, DeviceCommand
from heyi.devices.services import device_share, device_unshare
from heyi.notifications.models import Notification
from heyi.rules.models import FiringStatus, Rule, RuleFiring, RuleState, ServiceTicket, TicketStatus
from heyi.rules.services import (
    device_events_handle,
    rule_create,
    rule_delete,
    rule_update,
    service_ticket_award_apply,
    service_ticket_cancel,
    service_ticket_done,
)
from heyi.rules.tests.factories import alarm, bound_device, bound_device_of, offline, telemetry
from heyi.ventures.models import VentureKind
from heyi.ventures.tests.factories import venture_found

pytestmark = pytest.mark.django_db

TOO_WARM = {"field": "temperature", "op": ">", "value": 8, "for_readings": 3}


def _refused(call: Any) -> str:
    before = (Rule.objects.count(), AuditEvent.objects.count())
    with pytest.raises(DomainError) as caught:
        call()
    assert (Rule.objects.count(), AuditEvent.objects.count()) == before
    return caught.value.code


def _rule(device: Device, actor: Any, **fields: Any) -> Rule:
    values: dict[str, Any] = {
        "name": "Too warm",
        "trigger": "telemetry",
        "condition": TOO_WARM,
        "action": "notify",
        "params": {"message": "{serial} reads {value} °C"},
    }
    values.update(fields)
    return rule_create(actor=actor, device=device, **values)


# --- writing rules -------------------------------------------------------------------------


def test_a_rule_is_checked_against_the_model_and_the_actors_rights(
    operator: Any, owner: Any, rival: Any
) -> None:
    device = bound_device(operator, owner)
    assert (
        _refused(
            lambda: _rule(device, owner, condition={"field": "humidity", "op": ">", "value": 1})
        )
        == "rule_field_unknown"
    )
    assert (
        _refused(
            lambda: _rule(device, owner, condition={"field": "temperature", "op": "~", "value": 1})
        )
        == "rule_operator_unknown"
    )
    assert (
        _refused(
            lambda: _rule(device, owner, action="command", params={"name": "explode", "args": {}})
        )
        == "capability_command_unknown"
    )
    assert (
        _refused(
            lambda: _rule(device, owner, action="command", params={"name": "defrost", "args": {}})
        )
        == "capability_argument_missing"
    )
    assert _refused(lambda: _rule(device, owner, cooldown_minutes=0)) == "rule_cooldown_invalid"
    # Someone else's device does not exist to a rival.
    assert _refused(lambda: _rule(device, rival)) == "device_not_found"
    # A member who may only view can watch, but not command.
    viewer = person_make("viewer@example.com", "Viewer")
    device_share(device=device, actor=owner, user=viewer, role="view")
    assert (
        _refused(
            lambda: _rule(
                device, viewer, action="command", params={"name": "defrost", "args": {"minutes": 5}}
            )
        )
        == "rule_control_required"
    )
    assert _rule(device, viewer).owner == viewer
    controller = person_make("controller@example.com", "Controller")
    device_share(device=device, actor=owner, user=controller, role="control")
    rule = _rule(
        device, controller, action="command", params={"name": "defrost", "args": {"minutes": 5}}
    )
    assert (rule.action, rule.params) == ("command", {"name": "defrost", "args": {"minutes": 5}})
    # Model-wide rules are for operators, and never send commands.
    assert (
        _refused(
            lambda: rule_create(
                actor=owner,
                device_model=device.model,
                name="All fridges",
                trigger="offline",
                condition={},
                action="notify",
            )
        )
        == "not_operator"
    )
    assert (
        _refused(
            lambda: rule_create(
                actor=operator,
                device_model=device.model,
                name="Defrost all",
                trigger="offline",
                condition={},
                action="command",
                params={"name": "defrost", "args": {"minutes": 5}},
            )
        )
        == "rule_command_not_allowed"
    )
    assert (
        _refused(
            lambda: _rule(
                device,
                owner,
                action="demand",
                params={"title": "x", "description": "y", "category": "nope"},
            )
        )
        == "rule_params_invalid"
    )
    own = demand_make(owner, title="A quieter fridge")
    assert (
        _refused(lambda: _rule(device, owner, action="demand", params={"demand_uid": str(own.uid)}))
        == "rule_demand_not_supportable"
    )


def test_a_rule_is_changed_paused_and_deleted_by_its_owner_only(
    operator: Any, owner: Any, rival: Any
) -> None:
    device = bound_device(operator, owner)
    rule = _rule(device, owner)
    RuleState.objects.create(rule=rule, device=device, streak=2, evidence=[{"x": 1}])
    with pytest.raises(DomainError) as hidden:
        rule_update(rule=rule, actor=rival, is_active=False)
    assert hidden.value.code == "rule_not_found"
    rule_update(
        rule=rule,
        actor=owner,
        condition={"field": "temperature", "op": ">=", "value": 9},
        cooldown_minutes=15,
        is_active=False,
    )
    rule.refresh_from_db()
    assert (rule.condition, rule.cooldown_minutes, rule.is_active) == (
        {"field": "temperature", "op": ">=", "value": 9, "for_readings": 1},
        15,
        False,
    )
    assert list(RuleState.objects.values_list("streak", "evidence")) == [(0, [])]
    with pytest.raises(DomainError):
        rule_delete(rule=rule, actor=rival)
    rule_delete(rule=rule, actor=owner)
    assert Rule.objects.count() == 0
    assert list(
        AuditEvent.objects.filter(type__startswith="rules.rule").values_list("type", flat=True)
    ) == ["rules.rule.created", "rules.rule.changed", "rules.rule.deleted"]


# --- evaluating ----------------------------------------------------------------------------


def test_a_telemetry_rule_fires_after_n_consecutive_readings_and_notifies(
    operator: Any, owner: Any
) -> None:
    device = bound_device(operator, owner)
    member = person_make("member@example.com", "Member")
    device_share(device=device, actor=owner, user=member, role="view")
    rule = _rule(device, owner)
    events.dispatch_now(telemetry(device, {"temperature": 9.0}, {"temperature": 9.5}))
    events.dispatch_now(telemetry(device, {"temperature": 7.0}, prefix="cool"))
    assert RuleFiring.objects.count() == 0
    events.dispatch_now(
        telemetry(
            device,
            {"temperature": 9.0},
            {"door_open": True},
            {"temperature": 10},
            {"temperature": 11.5},
        )
    )
    firing = RuleFiring.objects.get()
    assert (firing.rule, firing.device, firing.status, firing.event_type, firing.notified) == (
        rule,
        device,
        FiringStatus.OK,
        "device.telemetry",
        2,
    )
    assert [(item["reading_id"], item["value"]) for item in firing.evidence] == [
        ("m-1", 9.0),
        ("m-3", 10),
        ("m-4", 11.5),
    ]
    notices = Notification.objects.filter(kind="rules.rule.fired").order_by("user__email")
    assert [notice.user for notice in notices] == [member, owner]
    assert notices[0].body == (
        f"{device.serial} reads 11.5 °C\n{device.serial}: temperature=9.0 (reading m-1); "
        "temperature=10 (reading m-3); temperature=11.5 (reading m-4)"
    )
    rule.refresh_from_db()
    assert rule.last_fired_at == firing.at


def test_cooldown_holds_back_a_second_firing_until_it_passes(operator: Any, owner: Any) -> None:
    device = bound_device(operator, owner)
    rule = _rule(device, owner, condition={"field": "temperature", "op": ">", "value": 8})
    events.dispatch_now(telemetry(device, {"temperature": 9}))
    events.dispatch_now(telemetry(device, {"temperature": 9}, prefix="again"))
    assert RuleFiring.objects.count() == 1
    RuleState.objects.filter(rule=rule).update(last_fired_at=timezone.now() - timedelta(minutes=61))
    events.dispatch_now(telemetry(device, {"temperature": 9}, prefix="later"))
    assert RuleFiring.objects.count() == 2


def test_a_redelivered_batch_is_not_counted_twice(operator: Any, owner: Any) -> None:
    device = bound_device(operator, owner)
    _rule(device, owner)
    batch = telemetry(device, {"temperature": 9}, {"temperature": 9})
    events.dispatch_now(batch)
    events.dispatch_now(batch)
    assert RuleState.objects.get().streak == 2
    assert RuleFiring.objects.count() == 0


def test_a_model_wide_rule_fires_per_device_with_its_own_cooldown(
    operator: Any, owner: Any
) -> None:
    first = bound_device(operator, owner)
    second_owner = person_make("second@example.com", "Second")
    second = bound_device_of(first.model, second_owner)
    rule = rule_create(
        actor=operator,
        device_model=first.model,
        name="Fridges going silent",
        trigger="offline",
        condition={},
        action="notify",
    )
    events.dispatch_now([offline(first), offline(second)])
    assert sorted(
        RuleFiring.objects.filter(rule=rule).values_list("device__serial", flat=True)
    ) == sorted([first.serial, second.serial])
    # The operator and each device's owner hear of their device.
    assert sorted(
        Notification.objects.filter(kind="rules.rule.fired").values_list("user__email", flat=True)
    ) == sorted(
        ["operator@example.com", "operator@example.com", "owner@example.com", "second@example.com"]
    )


def test_no_rules_costs_one_query_and_unwatched_events_none(
    operator: Any, owner: Any, django_assert_num_queries: Any
) -> None:
    device = bound_device(operator, owner)
    batch = telemetry(device, *({"temperature": 9} for _ in range(50)))
    with django_assert_num_queries(1):
        device_events_handle(batch)
    answered = DeviceEvent(
        type=DeviceEventType.COMMAND_ANSWERED,
        device_id=device.pk,
        serial=device.serial,
        at=timezone.now(),
        data={},
    )
    with django_assert_num_queries(0):
        device_events_handle([answered])


def test_a_rule_stops_when_its_device_changes_hands(operator: Any, owner: Any) -> None:
    device = bound_device(operator, owner)
    member = person_make("member@example.com", "Member")
    device_share(device=device, actor=owner, user=member, role="view")
    rule = _rule(device, member, condition={"field": "temperature", "op": ">", "value": 8})
    device_unshare(device=device, actor=owner, user=member)
    events.dispatch_now(telemetry(device, {"temperature": 9}))
    rule.refresh_from_db()
    assert (rule.is_active, RuleFiring.objects.count()) == (False, 0)


# --- actions -------------------------------------------------------------------------------


def test_a_command_rule_sends_the_command_as_the_rule(
    operator: Any, owner: Any, device_transport: Any, django_capture_on_commit_callbacks: Any
) -> None:
    device = bound_device(operator, owner)
    Device.objects.filter(pk=device.pk).update(is_online=True)
    rule = _rule(
        device,
        owner,
        condition={"field": "temperature", "op": ">", "value": 8},
        action="command",
        params={"name": "defrost", "args": {"minutes": 15}},
    )
    with django_capture_on_commit_callbacks(execute=True):
        events.dispatch_now(telemetry(device, {"temperature": 12}))
    command = DeviceCommand.objects.get()
    assert (command.source, command.rule_id, command.name, command.args, command.requested_by) == (
        CommandSource.RULE,
        rule.pk,
        "defrost",
        {"minutes": 15},
        owner,
    )
    firing = RuleFiring.objects.get()
    assert (firing.status, firing.command_uid) == (FiringStatus.OK, command.uid)
    assert len(device_transport.sent) == 1
    topic, payload = device_transport.sent[0][:2]
    assert device.serial in topic
    assert str(command.message_id) in (payload.decode() if isinstance(payload, bytes) else payload)


def test_a_command_rule_whose_owner_lost_control_records_a_failure(
    operator: Any, owner: Any
) -> None:
    device = bound_device(operator, owner)
    controller = person_make("controller@example.com", "Controller")
    device_share(device=device, actor=owner, user=controller, role="control")
    _rule(
        device,
        controller,
        condition={"field": "temperature", "op": ">", "value": 8},
        action="command",
        params={"name": "defrost", "args": {"minutes": 15}},
    )
    # Demoted to viewing: the rule may still see the device, but no longer command it.
    device_share(device=device, actor=owner, user=controller, role="view")
    events.dispatch_now(telemetry(device, {"temperature": 12}))
    firing = RuleFiring.objects.get()
    assert (firing.status, firing.detail, firing.command_uid) == (
        FiringStatus.FAILED,
        "The rule's owner may no longer control this device.",
        None,
    )
    assert DeviceCommand.objects.count() == 0


def _service_venture(email: str, name: str) -> tuple[Any, Any]:
    founder = person_make(email, f"{name} founder")
    return venture_found(founder=founder, name=name, kind=VentureKind.SERVICE), founder


def test_an_alarm_opens_a_service_ticket_awarded_through_the_contention_engine(
    operator: Any, owner: Any, django_capture_on_commit_callbacks: Any
) -> None:
    device = bound_device(operator, owner)
    rule = _rule(
        device,
        owner,
        trigger="alarm",
        condition={"code": "compressor_fault", "min_severity": "warning"},
        action="service_ticket",
        params={"title": "Compressor of {serial}: {code}", "bidding_hours": 12},
    )
    events.dispatch_now([alarm(device, "door_left_open", "warning")])
    assert ServiceTicket.objects.count() == 0
    events.dispatch_now([alarm(device)])
    ticket = ServiceTicket.objects.get()
    tender = Tender.objects.get()
    assert (ticket.rule, ticket.opened_by, ticket.status, ticket.title) == (
        rule,
        owner,
        TicketStatus.TENDERED,
        f"Compressor of {device.serial}: compressor_fault",
    )
    assert (ticket.tender_uid, ticket.tender_number) == (tender.uid, tender.number)
    assert (tender.subject_type, tender.subject_uid, tender.status, tender.venture_kinds) == (
        SubjectType.SERVICE_TICKET,
        ticket.uid,
        TenderStatus.OPEN,
        ["service"],
    )
    assert sorted(criterion["name"] for criterion in tender.rule["criteria"]) == [
        "lead_time_days",
        "rating",
        "unit_price",
    ]
    # The public tender tells the fault, not whose fridge it is.
    assert device.serial not in tender.requirements and "compressor_fault" in tender.requirements
    assert RuleFiring.objects.get().ticket_uid == ticket.uid
    fixers, fixer = _service_venture("fix@example.com", "Quick Fix")
    menders, mender = _service_venture("mend@example.com", "Menders")
    maker = venture_found(founder=person_make("maker@example.com"), name="Cold Makers")
    with pytest.raises(DomainError) as refused:
        bid_submit(
            tender=tender,
            venture=maker,
            actor=maker.founded_by,
            unit_price="50",
            lead_time_days=1,
            capacity=1,
        )
    assert refused.value.code == "not_eligible"
    bid_submit(
        tender=tender, venture=fixers, actor=fixer, unit_price="300", lead_time_days=1, capacity=1
    )
    bid_submit(
        tender=tender, venture=menders, actor=mender, unit_price="180", lead_time_days=1, capacity=1
    )
    with django_capture_on_commit_callbacks(execute=True):
        tender_close(tender=Tender.objects.get(pk=tender.pk), actor=operator)
    ticket.refresh_from_db()
    assert (ticket.status, ticket.venture, ticket.fee) == (
        TicketStatus.AWARDED,
        menders,
        Decimal("180.00"),
    )
    assert Notification.objects.filter(user=owner, kind="rules.ticket.changed").count() == 2
    # The handler is idempotent.
    service_ticket_award_apply(tender=Tender.objects.get(pk=tender.pk))
    ticket.refresh_from_db()
    assert (ticket.status, ticket.venture) == (TicketStatus.AWARDED, menders)
    with pytest.raises(DomainError):
        service_ticket_done(ticket=ticket, actor=fixer)
    service_ticket_done(ticket=ticket, actor=mender)
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.DONE


def test_a_ticket_tender_without_bids_reopens_and_an_operator_may_cancel(
    operator: Any, owner: Any, django_capture_on_commit_callbacks: Any
) -> None:
    device = bound_device(operator, owner)
    _rule(device, owner, trigger="offline", condition={}, action="service_ticket", params={})
    events.dispatch_now([offline(device)])
    ticket = ServiceTicket.objects.get()
    assert ticket.title == f"Service for Smart fridge 300 L {device.serial}: Too warm"
    with django_capture_on_commit_callbacks(execute=True):
        tender_close(tender=Tender.objects.get(), actor=operator)
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.OPEN
    with pytest.raises(DomainError) as refused:
        service_ticket_cancel(ticket=ticket, actor=owner, reason="no")
    assert refused.value.code == "not_operator"
    service_ticket_cancel(ticket=ticket, actor=operator, reason="Fixed by phone.")
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.CANCELLED


def test_a_rule_raises_a_demand_whose_trace_shows_the_device_and_readings(
    operator: Any, owner: Any
) -> None:
    category_make()
    device = bound_device(operator, owner)
    rule = _rule(
        device,
        owner,
        condition={"field": "temperature", "op": ">", "value": 8, "for_readings": 2},
        action="demand",
        params={
            "title": "Fridges that hold {value} °C too long",
            "description": "My {model} keeps running warm.",
            "category": "kitchen",
        },
    )
    events.dispatch_now(telemetry(device, {"temperature": 9}, {"temperature": 10.5}))
    demand = Demand.objects.get()
    firing = RuleFiring.objects.get()
    assert (firing.status, firing.demand_uid) == (FiringStatus.OK, demand.uid)
    assert (demand.author, demand.title) == (owner, "Fridges that hold 10.5 °C too long")
    trace = demand_trace_list(demand=demand)
    assert [entry.type for entry in trace] == [
        "demands.demand.raised",
        "rules.demand.raised_by_device",
    ]
    step = trace[1]
    assert device.serial in step.summary and "temperature=10.5 (reading m-2)" in step.summary
    assert (
        step.reason
        == f"{device.serial}: temperature=9 (reading m-1); temperature=10.5 (reading m-2)"
    )
    event = AuditEvent.objects.get(type="rules.demand.raised_by_device")
    assert (event.data["devices"], event.data["rule"]) == ([device.serial], str(rule.uid))
    assert [item["reading_id"] for item in event.data["readings"]] == ["m-1", "m-2"]


def test_a_rule_supports_an_existing_demand_and_adds_evidence_later(
    operator: Any, owner: Any, rival: Any
) -> None:
    device = bound_device(operator, owner)
    demand = demand_make(rival, title="Fridges that defrost themselves")
    rule = _rule(
        device,
        owner,
        trigger="alarm",
        condition={},
        action="demand",
        params={"demand_uid": str(demand.uid)},
    )
    events.dispatch_now([alarm(device)])
    support = Support.objects.get(demand=demand)
    assert support.user == owner
    assert support.note == f"{device.serial}: alarm compressor_fault (critical)"
    RuleState.objects.filter(rule=rule).update(last_fired_at=timezone.now() - timedelta(hours=2))
    events.dispatch_now([alarm(device, "door_left_open", "warning")])
    assert [firing.status for firing in RuleFiring.objects.order_by("at")] == ["ok", "ok"]
    assert Support.objects.filter(demand=demand).count() == 1
    types = [entry.type for entry in demand_trace_list(demand=demand)]
    assert types[-3:] == [
        "demands.demand.supported",
        "rules.demand.supported_by_device",
        "rules.demand.evidence_added",
    ]
    assert device.serial in demand_trace_list(demand=demand)[-1].summary
    # A demand that takes no more support makes the firing fail, recorded, not raised.
    demand_status_change(demand=demand, actor=operator, to_status="declined", reason="Out of scope")
    RuleState.objects.filter(rule=rule).update(last_fired_at=timezone.now() - timedelta(hours=2))
    Support.objects.filter(demand=demand).delete()
    events.dispatch_now([alarm(device)])
    failed = RuleFiring.objects.order_by("-at").first()
    assert failed is not None and (failed.status, failed.demand_uid) == (FiringStatus.FAILED, None)


def test_the_app_listens_to_device_events_and_handles_service_ticket_awards() -> None:
    assert award_handlers.handler_get("service_ticket") is service_ticket_award_apply
    assert device_events_handle in events._HANDLERS
