"""Pages of devices: my devices, and binding one with its code (where the box's QR code leads)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from heyi.core.errors import DomainError
from heyi.devices import selectors, services


@login_required
def device_list_mine(request: HttpRequest) -> HttpResponse:
    """The devices I own or that were shared with me."""
    devices = selectors.device_list_for_user(user=request.user)
    return render(request, "devices/device_list.html", {"devices": devices})


@login_required
def device_bind(request: HttpRequest) -> HttpResponse:
    """Enter (or arrive by QR code with) a one-time binding code and bind the device to me."""
    code = request.POST.get("code", "") if request.method == "POST" else request.GET.get("code", "")
    if request.method == "POST":
        try:
            device = services.device_bind(code=code, actor=request.user)
        except DomainError as error:
            return render(
                request,
                "devices/bind.html",
                {"code": code, "error": error.message},
                status=error.status,
            )
        messages.success(request, _("Device %(serial)s is now yours.") % {"serial": device.serial})
        return redirect("devices:mine")
    return render(request, "devices/bind.html", {"code": code})
