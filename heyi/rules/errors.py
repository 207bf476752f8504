"""Error codes of rules: what a rule may watch and do, and who may write one."""

from __future__ import annotations

from enum import StrEnum

from heyi.core.errors import DomainError


class RulesErrorCode(StrEnum):
    RULE_NOT_FOUND = "rule_not_found"
    TICKET_NOT_FOUND = "service_ticket_not_found"
    NOT_RULE_OWNER = "rule_not_owner"
    CONTROL_REQUIRED = "rule_control_required"
    SCOPE_INVALID = "rule_scope_invalid"
    TRIGGER_UNKNOWN = "rule_trigger_unknown"
    CONDITION_INVALID = "rule_condition_invalid"
    FIELD_UNKNOWN = "rule_field_unknown"
    OPERATOR_UNKNOWN = "rule_operator_unknown"
    VALUE_INVALID = "rule_value_invalid"
    ALARM_UNKNOWN = "rule_alarm_unknown"
    SEVERITY_UNKNOWN = "rule_severity_unknown"
    ACTION_UNKNOWN = "rule_action_unknown"
    PARAMS_INVALID = "rule_params_invalid"
    COMMAND_NOT_ALLOWED = "rule_command_not_allowed"
    COOLDOWN_INVALID = "rule_cooldown_invalid"
    DEMAND_NOT_SUPPORTABLE = "rule_demand_not_supportable"
    TOO_MANY_RULES = "rule_limit_reached"
    TICKET_STATUS_CONFLICT = "service_ticket_status_conflict"


class RulesError(DomainError):
    """A rules business rule refused the action (409 unless a status is given)."""
