"""The home page: what heyi is, and the demands that move right now."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def home(request: HttpRequest) -> HttpResponse:
    from heyi.demands.selectors import demand_list

    demands = demand_list(sort="most_supported")[:6]
    return render(request, "home.html", {"demands": demands})
