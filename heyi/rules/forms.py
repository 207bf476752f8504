"""The rule form: WHEN and THEN as plain fields, built into the condition and parameters JSON.

It checks shape only and offers the model's own telemetry fields, alarms and commands as
choices; the services check the rules, and their messages are shown on the form.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from heyi.devices.capabilities import SEVERITIES, Capabilities
from heyi.rules.conditions import ANY_ALARM, BIDDING_HOURS_DEFAULT, OPERATORS
from heyi.rules.models import RuleAction, RuleTrigger


def _value_parse(raw: str, value_type: str) -> Any:
    """A threshold typed in a text box, read as the telemetry field's type."""
    text = raw.strip()
    if value_type in ("int", "float"):
        try:
            number = float(text)
        except ValueError:
            raise forms.ValidationError(_("Enter a number.")) from None
        return int(number) if number.is_integer() and value_type == "int" else number
    if value_type == "bool":
        lowered = text.lower()
        if lowered not in ("true", "false"):
            raise forms.ValidationError(_("Enter true or false."))
        return lowered == "true"
    return text


class RuleForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    trigger = forms.ChoiceField(label=_("When"), choices=RuleTrigger.choices)
    field = forms.ChoiceField(label=_("Telemetry field"), required=False)
    op = forms.ChoiceField(
        label=_("Comparison"), choices=[(op, op) for op in OPERATORS], required=False
    )
    value = forms.CharField(label=_("Value"), max_length=200, required=False)
    for_readings = forms.IntegerField(
        label=_("For how many readings in a row"),
        min_value=1,
        max_value=100,
        initial=1,
        required=False,
    )
    alarm_code = forms.ChoiceField(label=_("Alarm"), required=False)
    min_severity = forms.ChoiceField(
        label=_("At least of severity"),
        choices=[(name, name) for name in SEVERITIES],
        required=False,
    )
    action = forms.ChoiceField(label=_("Then"), choices=RuleAction.choices)
    command = forms.ChoiceField(label=_("Command"), required=False)
    command_args = forms.CharField(
        label=_("Command arguments (JSON)"),
        required=False,
        initial="{}",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    message = forms.CharField(
        label=_("Message"),
        max_length=500,
        required=False,
        help_text=_(
            "Placeholders: {serial} {model} {rule} {field} {value} {code} {severity} {message}"
        ),
    )
    ticket_title = forms.CharField(label=_("Ticket title"), max_length=200, required=False)
    ticket_description = forms.CharField(
        label=_("Ticket description"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    bidding_hours = forms.IntegerField(
        label=_("Hours service ventures may bid"),
        min_value=1,
        max_value=168,
        initial=BIDDING_HOURS_DEFAULT,
        required=False,
    )
    demand_number = forms.IntegerField(
        label=_("Support demand number (leave empty to raise a new demand)"),
        min_value=1,
        required=False,
    )
    demand_note = forms.CharField(label=_("Support note"), max_length=400, required=False)
    demand_title = forms.CharField(label=_("New demand's title"), max_length=160, required=False)
    demand_description = forms.CharField(
        label=_("New demand's description"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    demand_category = forms.ChoiceField(label=_("New demand's category"), required=False)
    cooldown_minutes = forms.IntegerField(
        label=_("Cooldown (minutes)"), min_value=1, max_value=43200, initial=60
    )

    def __init__(
        self,
        *args: Any,
        capabilities: Capabilities,
        categories: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.capabilities = capabilities
        field_choices = [(spec.name, spec.name) for spec in capabilities.telemetry]
        self.fields["field"].choices = field_choices  # type: ignore[attr-defined]
        self.fields["alarm_code"].choices = [  # type: ignore[attr-defined]
            (ANY_ALARM, _("Any alarm")),
            *[(alarm.code, alarm.code) for alarm in capabilities.alarms],
        ]
        self.fields["command"].choices = [  # type: ignore[attr-defined]
            ("", "—"),
            *[(command.name, command.name) for command in capabilities.commands],
        ]
        self.fields["demand_category"].choices = [("", "—"), *categories]  # type: ignore[attr-defined]
        for bound in self.fields.values():
            widget = bound.widget
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs.setdefault("class", css)

    def _condition(self, data: dict[str, Any]) -> dict[str, Any]:
        trigger = data["trigger"]
        if trigger == RuleTrigger.TELEMETRY:
            name = data.get("field") or ""
            spec = next((spec for spec in self.capabilities.telemetry if spec.name == name), None)
            if spec is None:
                self.add_error("field", _("Choose a telemetry field."))
                return {}
            try:
                value = _value_parse(data.get("value") or "", spec.type)
            except forms.ValidationError as error:
                self.add_error("value", error)
                return {}
            return {
                "field": name,
                "op": data.get("op") or ">",
                "value": value,
                "for_readings": data.get("for_readings") or 1,
            }
        if trigger == RuleTrigger.ALARM:
            return {
                "code": data.get("alarm_code") or ANY_ALARM,
                "min_severity": data.get("min_severity") or SEVERITIES[0],
            }
        return {}

    def _params(self, data: dict[str, Any]) -> dict[str, Any]:
        action = data["action"]
        if action == RuleAction.COMMAND:
            try:
                args = json.loads(data.get("command_args") or "{}")
            except json.JSONDecodeError:
                self.add_error("command_args", _('Enter a JSON object, such as {"minutes": 10}.'))
                return {}
            return {"name": data.get("command") or "", "args": args}
        if action == RuleAction.NOTIFY:
            return {"message": data.get("message") or ""}
        if action == RuleAction.SERVICE_TICKET:
            return {
                "title": data.get("ticket_title") or "",
                "description": data.get("ticket_description") or "",
                "bidding_hours": data.get("bidding_hours") or BIDDING_HOURS_DEFAULT,
            }
        if data.get("demand_number"):
            # The view turns the number into the demand's identifier.
            return {"demand_number": data["demand_number"], "note": data.get("demand_note") or ""}
        return {
            "title": data.get("demand_title") or "",
            "description": data.get("demand_description") or "",
            "category": data.get("demand_category") or "",
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "trigger" in data and "action" in data:
            data["condition"] = self._condition(data)
            data["params"] = self._params(data)
        return data
