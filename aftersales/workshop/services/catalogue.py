"""The labour operation catalogue (工时项目): code, name, category, standard hours, brand.

Reference data shared by every point; point managers and HQ keep it. An operation used on a work
order is not deleted (the lines keep pointing at it): it is deactivated instead.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models.deletion import ProtectedError
from django.utils.translation import gettext as _

from aftersales.accounts.access import has_permission
from aftersales.core.audit import record_change, snapshot
from aftersales.core.commands import command
from aftersales.core.errors import ConflictError, NotFoundError, PermissionDeniedError
from aftersales.core.inputs import as_bool, as_choice, as_decimal, as_text, invalid, is_row_id
from aftersales.core.models import AuditAction

from ..choices import OperationCategory
from ..models import LabourOperation

MAX_HOURS = Decimal("999.99")


def _apply(operation: LabourOperation, data: dict[str, Any], *, creating: bool) -> None:
    if "code" in data or creating:
        code = as_text(data.get("code"), "code", max_length=32, required=True).upper()
        if any(ch.isspace() for ch in code):
            raise invalid("code", _("A code has no spaces."))
        operation.code = code
    if "name" in data or creating:
        operation.name = as_text(data.get("name"), "name", max_length=120, required=True)
    if "category" in data or creating:
        operation.category = as_choice(data.get("category"), "category", OperationCategory,
                                       default=OperationCategory.OTHER)
    if "standard_hours" in data or creating:
        hours = as_decimal(data.get("standard_hours"), "standard_hours", required=True, maximum=MAX_HOURS)
        if hours <= 0:
            raise invalid("standard_hours", _("Enter the standard hours (above zero)."))
        operation.standard_hours = hours
    if "brand" in data:
        operation.brand = as_text(data.get("brand"), "brand", max_length=50)
    if "is_active" in data and data["is_active"] is not None:
        operation.is_active = as_bool(data["is_active"])


def _save(operation: LabourOperation) -> None:
    if LabourOperation.objects.filter(code=operation.code).exclude(pk=operation.pk).exists():
        raise invalid("code", _("Another operation has this code."))
    try:
        with transaction.atomic():
            operation.save()
    except IntegrityError as exc:  # the same code saved meanwhile
        raise invalid("code", _("Another operation has this code.")) from exc


def _check(user, action: str) -> None:
    if not has_permission(user, f"workshop.{action}_labouroperation"):
        raise PermissionDeniedError()


def _locked(pk) -> LabourOperation:
    if not is_row_id(pk):
        raise NotFoundError()
    operation = LabourOperation.objects.select_for_update().filter(pk=pk).first()
    if operation is None:
        raise NotFoundError()
    return operation


def labour_operation_create(*, user, data: dict[str, Any]) -> LabourOperation:
    _check(user, "add")
    with command():
        operation = LabourOperation()
        _apply(operation, data or {}, creating=True)
        _save(operation)
        record_change(actor=user, instance=operation, action=AuditAction.CREATE, before=None,
                      after=snapshot(operation))
    return operation


def labour_operation_update(*, user, pk, data: dict[str, Any]) -> LabourOperation:
    _check(user, "change")
    with command():
        operation = _locked(pk)
        before = snapshot(operation)
        _apply(operation, data or {}, creating=False)
        _save(operation)
        record_change(actor=user, instance=operation, action=AuditAction.UPDATE, before=before,
                      after=snapshot(operation))
    return operation


def labour_operation_delete(*, user, pk) -> None:
    _check(user, "delete")
    with command():
        operation = _locked(pk)
        record_change(actor=user, instance=operation, action=AuditAction.DELETE, before=snapshot(operation),
                      after=None)
        try:
            with transaction.atomic():
                operation.delete()
        except ProtectedError as exc:
            message = _("Work orders use this operation; deactivate it instead.")
            raise ConflictError("in_use", message, {"code": [message]}) from exc
