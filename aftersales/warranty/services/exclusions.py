"""Writes of the exclusion list. Reference data for the whole network: holders of the
``warranty.*_warrantyexclusion`` permissions (HQ and service point managers) maintain it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from aftersales.core.audit import record_change, snapshot
from aftersales.core.errors import ConflictError, NotFoundError, PermissionDeniedError
from aftersales.core.inputs import as_bool, as_choice, as_decimal, as_text, invalid, is_row_id
from aftersales.core.models import AuditAction

from ..choices import FLAG_KINDS, ExclusionEffect, ExclusionKind, ExclusionScope
from ..models import VALUE_CHOICES, WarrantyExclusion

MAX_HOURS = Decimal("999.99")


def _gate(user, permission: str) -> None:
    from aftersales.accounts.access import has_permission

    if not has_permission(user, permission):
        raise PermissionDeniedError()


def _clean_value(kind: str, value: Any) -> str:
    if kind in FLAG_KINDS:
        text = as_text(value, "value", max_length=32)
        if text:
            raise invalid("value", _("Leave the value empty: the part's own flag decides."))
        return ""
    if kind == ExclusionKind.HOUR_LIMIT:
        hours = as_decimal(value, "value", required=True, minimum=Decimal("0.01"), maximum=MAX_HOURS)
        return format(hours.normalize(), "f")
    choices = VALUE_CHOICES[kind]
    return as_choice(as_text(value, "value", max_length=32), "value", choices)


def _apply(rule: WarrantyExclusion, data: dict[str, Any], *, creating: bool) -> None:
    if "kind" in data or creating:
        rule.kind = as_choice(data.get("kind"), "kind", ExclusionKind)
    if "value" in data or "kind" in data or creating:
        rule.value = _clean_value(rule.kind, data.get("value", rule.value))
    if "brand" in data:
        rule.brand = as_text(data["brand"], "brand", max_length=50)
    if "applies_to" in data:
        rule.applies_to = as_choice(data["applies_to"], "applies_to", ExclusionScope,
                                    default=ExclusionScope.WARRANTY)
    if "effect" in data and data["effect"] not in (None, ""):
        rule.effect = as_choice(data["effect"], "effect", ExclusionEffect)
    elif creating:
        rule.effect = (ExclusionEffect.NEEDS_APPROVAL if rule.kind == ExclusionKind.HOUR_LIMIT
                       else ExclusionEffect.NOT_COVERED)
    if "is_active" in data and data["is_active"] is not None:
        rule.is_active = as_bool(data["is_active"])
    if "note" in data:
        rule.note = as_text(data["note"], "note", max_length=255)


def _save(rule: WarrantyExclusion) -> None:
    clash = WarrantyExclusion.objects.filter(kind=rule.kind, value=rule.value, brand__iexact=rule.brand,
                                             applies_to=rule.applies_to)
    if rule.pk:
        clash = clash.exclude(pk=rule.pk)
    message = _("This exclusion is already on the list.")
    if clash.exists():
        raise ConflictError("duplicate", message, {"value": [message]})
    try:
        with transaction.atomic():
            rule.save()
    except IntegrityError as exc:
        raise ConflictError("duplicate", message, {"value": [message]}) from exc


def _locked(user, pk, action: str) -> WarrantyExclusion:
    if not is_row_id(pk):
        raise NotFoundError()
    if not WarrantyExclusion.objects.restrict(user, action).filter(pk=pk).exists():
        raise NotFoundError()
    return WarrantyExclusion.objects.select_for_update().get(pk=pk)


def exclusion_create(*, user, data: dict[str, Any]) -> WarrantyExclusion:
    _gate(user, "warranty.add_warrantyexclusion")
    with transaction.atomic():
        rule = WarrantyExclusion()
        _apply(rule, data, creating=True)
        _save(rule)
        record_change(actor=user, instance=rule, action=AuditAction.CREATE, before=None, after=snapshot(rule))
    return rule


def exclusion_update(*, user, pk: int, data: dict[str, Any]) -> WarrantyExclusion:
    _gate(user, "warranty.change_warrantyexclusion")
    with transaction.atomic():
        rule = _locked(user, pk, "change")
        before = snapshot(rule)
        _apply(rule, data, creating=False)
        _save(rule)
        record_change(actor=user, instance=rule, action=AuditAction.UPDATE, before=before, after=snapshot(rule))
    return rule


def exclusion_delete(*, user, pk: int) -> None:
    _gate(user, "warranty.delete_warrantyexclusion")
    with transaction.atomic():
        rule = _locked(user, pk, "delete")
        record_change(actor=user, instance=rule, action=AuditAction.DELETE, before=snapshot(rule), after=None)
        rule.delete()


# The usual exclusions of a manufacturer's new-vehicle and appliance warranty.
DEFAULT_EXCLUSIONS: list[dict[str, str]] = [
    {"kind": ExclusionKind.WEAR_PART, "note": ""},
    {"kind": ExclusionKind.NOT_ELIGIBLE, "note": ""},
    {"kind": ExclusionKind.PART_CATEGORY, "value": "paint"},
    {"kind": ExclusionKind.PART_CATEGORY, "value": "body"},
    {"kind": ExclusionKind.PART_CATEGORY, "value": "glass"},
    {"kind": ExclusionKind.OPERATION_CATEGORY, "value": "paint"},
    {"kind": ExclusionKind.OPERATION_CATEGORY, "value": "body"},
    {"kind": ExclusionKind.CAUSE, "value": "misuse", "applies_to": ExclusionScope.BOTH},
    {"kind": ExclusionKind.CAUSE, "value": "accident", "applies_to": ExclusionScope.BOTH},
    {"kind": ExclusionKind.HOUR_LIMIT, "value": "10", "effect": ExclusionEffect.NEEDS_APPROVAL},
]


def exclusion_defaults_install(*, user) -> int:
    """Add the default exclusions that are not on the list yet; returns how many were added."""
    _gate(user, "warranty.add_warrantyexclusion")
    added = 0
    with transaction.atomic():
        for spec in DEFAULT_EXCLUSIONS:
            rule = WarrantyExclusion()
            _apply(rule, {"value": "", **spec}, creating=True)
            if WarrantyExclusion.objects.filter(kind=rule.kind, value=rule.value, brand="",
                                                applies_to=rule.applies_to).exists():
                continue
            _save(rule)
            record_change(actor=user, instance=rule, action=AuditAction.CREATE, before=None, after=snapshot(rule),
                          note="default exclusions")
            added += 1
    return added
