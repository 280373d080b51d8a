"""The parts catalogue (reference data for the whole network; holders of ``parts.*_part`` keep it)."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from aftersales.core.audit import record_change, snapshot
from aftersales.core.errors import ConflictError, NotFoundError, PermissionDeniedError
from aftersales.core.inputs import as_bool, as_choice, as_money, as_text, is_row_id
from aftersales.core.models import AuditAction

from ..choices import PartCategory, PartUnit
from ..models import Part, Stock, StockMovement

TEXT = {"name": 120, "brand": 50}


def _gate(user, permission: str) -> None:
    from aftersales.accounts.access import has_permission

    if not has_permission(user, permission):
        raise PermissionDeniedError()


def normalise_part_number(value) -> str:
    """Part numbers are kept in capitals without surrounding spaces (``1k0 698 151`` → ``1K0 698 151``)."""
    return as_text(value, "number", max_length=40, required=True).upper()


def _apply(part: Part, data: dict[str, Any], *, creating: bool) -> None:
    if "number" in data or creating:
        part.number = normalise_part_number(data.get("number"))
    if "name" in data or creating:
        part.name = as_text(data.get("name"), "name", max_length=TEXT["name"], required=True)
    if "brand" in data:
        part.brand = as_text(data["brand"], "brand", max_length=TEXT["brand"])
    if "category" in data:
        part.category = as_choice(data["category"], "category", PartCategory, default=PartCategory.OTHER)
    if "unit" in data:
        part.unit = as_choice(data["unit"], "unit", PartUnit, default=PartUnit.PIECE)
    for name in ("sale_price", "cost_price"):
        if name in data and data[name] is not None:
            setattr(part, name, as_money(data[name], name, required=True))
    for name in ("is_wear_part", "warranty_eligible", "is_active"):
        if name in data and data[name] is not None:
            setattr(part, name, as_bool(data[name]))


def _save(part: Part) -> None:
    message = _("A part with this number is already in the catalogue.")
    clash = Part.objects.filter(number__iexact=part.number)
    if part.pk:
        clash = clash.exclude(pk=part.pk)
    if clash.exists():
        raise ConflictError("duplicate", message, {"number": [message]})
    try:
        with transaction.atomic():
            part.save()
    except IntegrityError as exc:
        raise ConflictError("duplicate", message, {"number": [message]}) from exc


def _locked(user, pk, action: str) -> Part:
    if not is_row_id(pk):
        raise NotFoundError()
    if not Part.objects.restrict(user, action).filter(pk=pk).exists():
        raise NotFoundError()
    return Part.objects.select_for_update().get(pk=pk)


def part_create(*, user, data: dict[str, Any]) -> Part:
    _gate(user, "parts.add_part")
    with transaction.atomic():
        part = Part()
        _apply(part, data, creating=True)
        _save(part)
        record_change(actor=user, instance=part, action=AuditAction.CREATE, before=None, after=snapshot(part))
    return part


def part_update(*, user, pk: int, data: dict[str, Any]) -> Part:
    _gate(user, "parts.change_part")
    with transaction.atomic():
        part = _locked(user, pk, "change")
        before = snapshot(part)
        _apply(part, data, creating=False)
        _save(part)
        record_change(actor=user, instance=part, action=AuditAction.UPDATE, before=before, after=snapshot(part))
    return part


def part_delete(*, user, pk: int) -> None:
    """Only a part that never moved: empty stock rows go with it; otherwise deactivate it instead."""
    from aftersales.workshop.models import WorkOrderLine

    _gate(user, "parts.delete_part")
    with transaction.atomic():
        part = _locked(user, pk, "delete")
        rows = Stock.objects.select_for_update().filter(part=part)
        used = (StockMovement.objects.filter(stock__part=part).exists()
                or rows.filter(Q(on_hand__gt=0) | Q(reserved__gt=0)).exists()
                or WorkOrderLine.objects.filter(part=part).exists())
        if used:
            message = _("This part has stock or history; mark it inactive instead of deleting it.")
            raise ConflictError("in_use", message, {"is_active": [message]})
        record_change(actor=user, instance=part, action=AuditAction.DELETE, before=snapshot(part), after=None)
        rows.delete()
        part.delete()
