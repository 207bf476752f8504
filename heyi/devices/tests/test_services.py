"""Devices' services: registration, one-time binding, sharing, credentials, shadow, readings."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import segno
from django.utils import timezone

from heyi.core.errors import DomainError
from heyi.core.models import AuditEvent
from heyi.designs.tests.factories import person_make
from heyi.devices.capabilities import CapabilityError
from heyi.devices.models import (
    Device,
    DeviceBindingCode,
    DeviceCredential,
    DeviceShadow,
    DeviceShare,
    Reading,
)
from heyi.devices.selectors import (
    binding_code_list_for_order,
    device_can_control,
    device_can_view,
    device_get,
    device_list_for_user,
    reading_list,
)
from heyi.devices.services import (
    binding_qr_svg,
    binding_url,
    credential_revoke,
    credential_roll,
    device_authenticate,
    device_bind,
    device_model_set,
    device_register,
    device_retire,
    device_share,
    device_unbind,
    device_unshare,
    devices_on_delivery,
    shadow_desire,
    shadow_report,
)
from heyi.devices.tests.factories import (
    FRIDGE_CAPABILITIES,
    delivered_order,
    device_make,
    fridge_model,
)
from heyi.notifications.models import Notification
from heyi.orders.models import Order, OrderStage
from heyi.orders.tests.standard_factories import paid_order

pytestmark = pytest.mark.django_db


def _code(device: Device) -> str:
    return DeviceBindingCode.objects.get(device=device, used_at__isnull=True).code


def _bound(operator: Any, owner: Any) -> Device:
    device = device_make(operator, owner)
    return device_bind(code=_code(device), actor=owner)


def test_a_delivered_order_becomes_one_device_per_unit_once(operator: Any, owner: Any) -> None:
    model = fridge_model(operator)
    order = delivered_order(model, owner, quantity=2)

    devices = device_register(order=order, model=model)
    again = device_register(order=order, model=model)

    assert [device.pk for device in again] == [device.pk for device in devices]
    assert Device.objects.count() == 2
    assert all(re.fullmatch(r"HY-[A-Z2-9]{4}-[A-Z2-9]{4}", d.serial) for d in devices)
    assert [(d.unit_index, d.status, d.owner_id) for d in devices] == [
        (0, "unbound", None),
        (1, "unbound", None),
    ]
    assert DeviceBindingCode.objects.count() == 2
    assert DeviceShadow.objects.count() == 2
    assert AuditEvent.objects.filter(type="devices.device.registered").count() == 2


def test_an_undelivered_order_or_a_plain_model_registers_nothing(operator: Any, owner: Any) -> None:
    model = fridge_model(operator)
    assert model.product is not None
    order = paid_order(model.product, owner, 1)
    plain = device_model_set(actor=operator, name="Plain shelf", capabilities={}, is_smart=False)

    with pytest.raises(DomainError) as not_delivered:
        device_register(order=order, model=model)
    Order.objects.filter(pk=order.pk).update(stage=OrderStage.DELIVERED)
    order.refresh_from_db()
    with pytest.raises(DomainError) as not_smart:
        device_register(order=order, model=plain)

    assert (not_delivered.value.code, not_smart.value.code) == (
        "order_not_delivered",
        "device_model_not_smart",
    )
    assert Device.objects.count() == 0


def test_only_operators_set_models_and_capabilities_are_validated(
    operator: Any, owner: Any
) -> None:
    with pytest.raises(DomainError) as denied:
        device_model_set(actor=owner, name="Fridge", capabilities=FRIDGE_CAPABILITIES)
    with pytest.raises(CapabilityError) as invalid:
        device_model_set(actor=operator, name="Fridge", capabilities={"attributes": 1})

    assert (denied.value.code, invalid.value.code) == ("not_operator", "capabilities_invalid")
    assert AuditEvent.objects.filter(type__startswith="devices.").count() == 0


def test_a_binding_code_binds_once(operator: Any, owner: Any, rival: Any) -> None:
    device = device_make(operator, owner)
    code = _code(device)

    bound = device_bind(code=code.lower().replace("-", " "), actor=owner)
    with pytest.raises(DomainError) as used:
        device_bind(code=code, actor=rival)
    with pytest.raises(DomainError) as wrong:
        device_bind(code="AAAA-AAAA", actor=rival)

    assert (bound.owner_id, bound.status) == (owner.pk, "bound")
    assert (used.value.code, wrong.value.code) == ("binding_code_used", "binding_code_wrong")
    binding = DeviceBindingCode.objects.get(code=code)
    assert binding.used_by_id == owner.pk
    assert Device.objects.get(pk=device.pk).owner_id == owner.pk


def test_an_expired_binding_code_binds_nothing(operator: Any, owner: Any) -> None:
    device = device_make(operator, owner)
    code = _code(device)
    DeviceBindingCode.objects.filter(code=code).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )

    with pytest.raises(DomainError) as expired:
        device_bind(code=code, actor=owner)

    assert expired.value.code == "binding_code_expired"
    assert Device.objects.get(pk=device.pk).status == "unbound"
    assert DeviceBindingCode.objects.get(code=code).used_at is None


def test_the_permission_matrix(operator: Any, owner: Any, rival: Any) -> None:
    device = _bound(operator, owner)
    viewer = person_make("grandma@example.com", "Grandma")
    controller = person_make("son@example.com", "Son")
    device_share(device=device, actor=owner, user=viewer, role="view")
    device_share(device=device, actor=owner, user=controller, role="control")

    matrix = {
        name: (device_can_view(user, device), device_can_control(user, device))
        for name, user in [
            ("owner", owner),
            ("viewer", viewer),
            ("controller", controller),
            ("rival", rival),
            ("operator", operator),
        ]
    }

    assert matrix == {
        "owner": (True, True),
        "viewer": (True, False),
        "controller": (True, True),
        "rival": (False, False),
        "operator": (True, False),
    }
    assert list(device_list_for_user(user=viewer)) == [device]
    assert list(device_list_for_user(user=rival)) == []
    assert device_get(serial=device.serial) == device


def test_denied_calls_write_nothing(operator: Any, owner: Any, rival: Any) -> None:
    device = _bound(operator, owner)
    viewer = person_make("grandma@example.com", "Grandma")
    device_share(device=device, actor=owner, user=viewer, role="view")
    events = AuditEvent.objects.count()

    refusals = []
    for actor in (rival, viewer, operator):
        for call in (
            lambda actor=actor: shadow_desire(device=device, actor=actor, values={"power": False}),
            lambda actor=actor: device_share(device=device, actor=actor, user=rival, role="view"),
            lambda actor=actor: device_unbind(device=device, actor=actor),
        ):
            with pytest.raises(DomainError) as refused:
                call()
            refusals.append(refused.value.code)
    for actor in (rival, viewer):
        with pytest.raises(DomainError) as refused:
            credential_roll(device=device, actor=actor)
        refusals.append(refused.value.code)

    assert (
        refusals
        == [
            "device_not_allowed",
            "device_not_owner",
            "device_not_owner",
        ]
        * 3
        + ["device_not_owner"] * 2
    )
    assert AuditEvent.objects.count() == events
    shadow = DeviceShadow.objects.get(device=device)
    assert (shadow.desired, shadow.desired_version) == ({}, 0)
    assert list(DeviceShare.objects.values_list("user__email", flat=True)) == [
        "grandma@example.com"
    ]
    assert DeviceCredential.objects.count() == 0
    assert Device.objects.get(pk=device.pk).owner_id == owner.pk


def test_unbinding_revokes_shares_and_issues_a_fresh_code(
    operator: Any, owner: Any, rival: Any
) -> None:
    device = _bound(operator, owner)
    viewer = person_make("grandma@example.com", "Grandma")
    device_share(device=device, actor=owner, user=viewer, role="control")

    fresh = device_unbind(device=device, actor=owner)
    rebound = device_bind(code=fresh.code, actor=rival)

    assert DeviceShare.objects.count() == 0
    assert (rebound.owner_id, rebound.status) == (rival.pk, "bound")
    assert device_can_view(viewer, rebound) is False
    assert DeviceBindingCode.objects.filter(device=device, used_at__isnull=True).count() == 0


def test_sharing_changes_role_and_ends(operator: Any, owner: Any) -> None:
    device = _bound(operator, owner)
    member = person_make("son@example.com", "Son")

    device_share(device=device, actor=owner, user=member, role="view")
    device_share(device=device, actor=owner, user=member, role="control")
    assert list(DeviceShare.objects.values_list("role", flat=True)) == ["control"]
    with pytest.raises(DomainError) as bad_role:
        device_share(device=device, actor=owner, user=member, role="admin")
    with pytest.raises(DomainError) as self_share:
        device_share(device=device, actor=owner, user=owner, role="view")
    device_unshare(device=device, actor=member, user=member)

    assert (bad_role.value.code, self_share.value.code) == (
        "share_role_unknown",
        "share_with_owner",
    )
    assert DeviceShare.objects.count() == 0
    assert device_can_view(member, device) is False


def test_rolling_a_credential_retires_the_old_token(operator: Any, owner: Any) -> None:
    device = _bound(operator, owner)

    first, first_token = credential_roll(device=device, actor=operator)
    assert device_authenticate(serial=device.serial, token=first_token) == device
    second, second_token = credential_roll(device=device, actor=owner)

    assert device_authenticate(serial=device.serial, token=first_token) is None
    assert device_authenticate(serial=device.serial, token=second_token) == device
    assert device_authenticate(serial="HY-0000-0000", token=second_token) is None
    assert device_authenticate(serial=device.serial, token="guess") is None
    first.refresh_from_db()
    assert first.revoked_at is not None
    assert second.revoked_at is None
    assert second_token not in second.token_hash
    assert len(second.token_hash) == 64

    credential_revoke(credential=second, actor=owner)

    assert device_authenticate(serial=device.serial, token=second_token) is None
    with pytest.raises(DomainError) as again:
        credential_revoke(credential=second, actor=owner)
    assert again.value.code == "credential_not_found"


def test_desired_and_reported_state_are_versioned(operator: Any, owner: Any) -> None:
    device = _bound(operator, owner)
    member = person_make("son@example.com", "Son")
    device_share(device=device, actor=owner, user=member, role="control")

    shadow_desire(device=device, actor=owner, values={"target_temperature": 4})
    shadow = shadow_desire(device=device, actor=member, values={"mode": "eco"})
    with pytest.raises(CapabilityError) as read_only:
        shadow_desire(device=device, actor=owner, values={"firmware": "2.0"})
    with pytest.raises(CapabilityError) as out_of_range:
        shadow_desire(device=device, actor=owner, values={"target_temperature": 12})

    assert (shadow.desired, shadow.desired_version) == ({"target_temperature": 4, "mode": "eco"}, 2)
    assert (read_only.value.code, out_of_range.value.code) == (
        "capability_not_writable",
        "capability_value_out_of_range",
    )

    shadow_report(device=device, values={"target_temperature": 4, "firmware": "1.0"}, version=5)
    stale = shadow_report(device=device, values={"target_temperature": 7}, version=4)
    assert (stale.reported, stale.reported_version) == (
        {"target_temperature": 4, "firmware": "1.0"},
        5,
    )
    latest = shadow_report(device=device, values={"mode": "eco"})
    assert (latest.reported_version, latest.reported["mode"]) == (6, "eco")
    device.refresh_from_db()
    assert device.is_online is True


def test_the_binding_qr_code_encodes_the_bind_url() -> None:
    svg = binding_qr_svg("ABCD-EFGH", base_url="https://heyi.example/")

    assert binding_url("ABCD-EFGH") == "/devices/bind/?code=ABCD-EFGH"
    assert svg == segno.make(
        "https://heyi.example/devices/bind/?code=ABCD-EFGH", error="m"
    ).svg_inline(scale=4)
    assert svg.startswith("<svg")


def test_only_the_buyer_sees_the_order_s_binding_codes(
    operator: Any, owner: Any, rival: Any
) -> None:
    model = fridge_model(operator)
    order = delivered_order(model, owner, quantity=2)
    first, second = device_register(order=order, model=model)
    device_bind(code=_code(first), actor=owner)

    codes = binding_code_list_for_order(order=order, user=owner)

    assert [binding.device_id for binding in codes] == [second.pk]
    assert binding_code_list_for_order(order=order, user=rival) == []
    assert binding_code_list_for_order(order=order, user=operator) == []


def test_reading_history_is_ordered_windowed_and_private(
    operator: Any, owner: Any, rival: Any
) -> None:
    device = _bound(operator, owner)
    start = datetime(2026, 11, 28, 8, 0, tzinfo=UTC)
    for i in (3, 0, 2, 1):
        Reading.objects.create(
            device=device,
            message_id=f"m{i}",
            device_ts=start + timedelta(minutes=10 * i),
            received_at=start + timedelta(minutes=10 * i),
            values={"temperature": float(i)},
        )

    window = reading_list(
        device=device,
        user=owner,
        since=start + timedelta(minutes=10),
        until=start + timedelta(minutes=30),
    )
    with pytest.raises(DomainError) as denied:
        reading_list(device=device, user=rival)

    assert [reading.values["temperature"] for reading in window] == [1.0, 2.0]
    assert len(reading_list(device=device, user=operator)) == 4
    assert denied.value.code == "device_not_allowed"


def test_an_operator_retires_a_device(operator: Any, owner: Any) -> None:
    device = _bound(operator, owner)
    _credential, token = credential_roll(device=device, actor=owner)
    member = person_make("son@example.com", "Son")
    device_share(device=device, actor=owner, user=member, role="view")

    with pytest.raises(DomainError) as denied:
        device_retire(device=device, actor=owner)
    retired = device_retire(device=device, actor=operator)

    assert denied.value.code == "not_operator"
    assert (retired.status, retired.is_online) == ("retired", False)
    assert device_authenticate(serial=device.serial, token=token) is None
    assert DeviceShare.objects.count() == 0


def test_the_device_list_costs_one_query(
    operator: Any, owner: Any, django_assert_num_queries: Any
) -> None:
    model = fridge_model(operator)
    for device in device_register(order=delivered_order(model, owner, quantity=3), model=model):
        device_bind(code=_code(device), actor=owner)

    with django_assert_num_queries(1):
        names = [device.model.name for device in device_list_for_user(user=owner)]

    assert names == ["Smart fridge 300 L"] * 3


def _out_for_delivery(order: Order) -> None:
    """The order made by a maker and on its way: the chain before is other tests' business."""
    from heyi.orders.tests.standard_factories import maker_make

    venture, _founder = maker_make("Cold Works", capacity=10)
    Order.objects.filter(pk=order.pk).update(stage=OrderStage.OUT_FOR_DELIVERY, venture=venture)
    order.refresh_from_db()


def test_delivering_a_smart_product_makes_its_devices(operator: Any, owner: Any) -> None:
    buyer = owner
    from heyi.devices.tests.factories import fridge_model
    from heyi.orders.order_services import order_advance
    from heyi.orders.tests.standard_factories import paid_order

    model = fridge_model(operator)
    assert model.product is not None
    order = paid_order(model.product, buyer, 2)
    _out_for_delivery(order)

    order_advance(order=order, actor=buyer, to_stage="delivered")

    devices = list(Device.objects.filter(order=order).order_by("unit_index"))
    assert [(device.unit_index, device.owner, device.model) for device in devices] == [
        (0, None, model),
        (1, None, model),
    ]
    codes = list(
        DeviceBindingCode.objects.filter(device__order=order, used_at__isnull=True)
        .order_by("device__unit_index")
        .values_list("device__serial", "code")
    )
    assert len(codes) == 2
    # The buyer is told how to bind them, once.
    notice = Notification.objects.get(user=buyer, kind="devices.device.registered")
    assert notice.title == f"Order O{order.number} is smart: bind it to your account"
    assert notice.body == (
        "Your Smart fridge 300 L can report to you and take commands. Bind each unit with its "
        f"one-time code (also printed in the box): {codes[0][0]}: {codes[0][1]}; "
        f"{codes[1][0]}: {codes[1][1]}."
    )
    assert notice.url == f"/devices/bind/?code={codes[0][1]}"
    order.refresh_from_db()
    assert devices_on_delivery(order=order) == devices
    assert Notification.objects.filter(kind="devices.device.registered").count() == 1


def test_delivering_an_ordinary_product_makes_no_device(operator: Any, owner: Any) -> None:
    buyer = owner
    from heyi.orders.order_services import order_advance
    from heyi.orders.tests.standard_factories import paid_order, product_make

    product = product_make(operator, name="Plain kettle", price="199.00")
    order = paid_order(product, buyer, 1)
    _out_for_delivery(order)

    order_advance(order=order, actor=buyer, to_stage="delivered")

    assert not Device.objects.exists()
