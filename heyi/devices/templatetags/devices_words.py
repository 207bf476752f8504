"""`{{ name|words }}`: a capability's name (`target_temperature`) as people read it."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def words(name: str) -> str:
    return str(name).replace("_", " ").capitalize()
