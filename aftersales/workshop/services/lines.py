"""Work order lines: labour from the catalogue (standard hours × the order's labour rate) or free
text, parts from the catalogue (at their sale price), sublet and other work; each with a pay type.

Lines are added and changed while the order is at reception, or — as a *supplement* found during
the repair — while it is approved or in repair. A line the customer has approved is never edited;
a line put to the customer waits for the answer. Pay types B and C are checked against the asset's
coverage and the exclusion list, and the verdict (status, reasons, coverage) is kept on the line.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.core.audit import record_change, snapshot
from aftersales.core.choices import PayType
from aftersales.core.commands import command
from aftersales.core.errors import ConflictError, NotFoundError
from aftersales.core.inputs import as_choice, as_decimal, as_id, as_money, as_text, invalid, is_row_id
from aftersales.core.models import AuditAction
from aftersales.core.money import to_money
from aftersales.parts.models import Part

from ..choices import ApprovalStatus, LineCause, LineKind, LineStatus, WarrantyStatus, WorkOrderStatus
from ..models import LabourOperation, WorkOrder, WorkOrderLine
from .totals import order_recompute_totals
from .transitions import locked_order

S = WorkOrderStatus
MAX_QUANTITY = Decimal("99999.99")
MAX_UNIT_PRICE = Decimal("9999999.99")
WARRANTY_PAY_TYPES = (PayType.CONTRACT, PayType.WARRANTY)
SUPPLEMENT_STATUSES = (S.APPROVED, S.IN_REPAIR)


def _quantity(value, field: str, *, required: bool = True) -> Decimal | None:
    quantity = as_decimal(value, field, required=required, maximum=MAX_QUANTITY)
    if quantity is not None and quantity <= 0:
        raise invalid(field, _("Enter a quantity above zero."))
    return quantity


def _price(value, field: str) -> Decimal:
    price = as_money(value, field, required=True)
    if price > MAX_UNIT_PRICE:
        raise invalid(field, _("Enter a number of at most %(max)s.") % {"max": MAX_UNIT_PRICE})
    return price


def adding_as_supplement(order: WorkOrder) -> bool:
    """Whether a line added now is a supplement; refuses when the order takes no new lines."""
    if order.status == S.RECEPTION:
        return False
    if order.status in SUPPLEMENT_STATUSES:
        return True
    message = _("Lines are added at reception or, as a supplement, while the order is approved or in repair. "
                "This order is “%(state)s”.") % {"state": order.get_status_display()}
    raise ConflictError("wrong_status", message, {"status": [message]})


def line_is_editable(line: WorkOrderLine, order: WorkOrder) -> bool:
    """Proposed, not waiting for the customer's answer, and the order at the stage where it was added."""
    if line.status != LineStatus.PROPOSED:
        return False
    if line.approval_id and line.approval.status == ApprovalStatus.PENDING:
        return False
    return order.status in (SUPPLEMENT_STATUSES if line.is_supplement else (S.RECEPTION,))


def _check_editable(line: WorkOrderLine, order: WorkOrder) -> None:
    if line_is_editable(line, order):
        return
    if line.status == LineStatus.APPROVED:
        message = _("The customer approved this line; it can no longer be changed.")
    elif line.status == LineStatus.DECLINED:
        message = _("The customer declined this line.")
    elif line.approval_id and line.approval.status == ApprovalStatus.PENDING:
        message = _("This line is waiting for the customer's answer; revise the estimate first.")
    else:
        message = _("This line cannot be changed while the order is “%(state)s”.") % {
            "state": order.get_status_display()}
    raise ConflictError("line_locked", message, {"status": [message]})


def _warranty(order: WorkOrder, line: WorkOrderLine, exclusions=None) -> None:
    """Store the warranty verdict of a B or C line (A and D lines need none)."""
    if line.pay_type not in WARRANTY_PAY_TYPES:
        line.warranty_status, line.warranty_reasons, line.coverage = WarrantyStatus.NOT_CHECKED, [], None
        return
    from aftersales.warranty.services import line_warranty_check

    verdict = line_warranty_check(
        asset=order.asset, on_date=timezone.localtime(order.opened_at).date(), mileage=order.mileage_in,
        kind=line.kind, pay_type=line.pay_type, cause=line.cause, part=line.part, operation=line.operation,
        hours=line.quantity if line.kind == LineKind.LABOUR else None, exclusions=exclusions)
    line.warranty_status = verdict.status
    line.warranty_reasons = [str(reason) for reason in verdict.reasons]
    line.coverage = verdict.coverage


def _catalogue_operation(value, field: str) -> LabourOperation:
    operation = LabourOperation.objects.filter(pk=as_id(value, field), is_active=True).first()
    if operation is None:
        raise invalid(field, _("Unknown labour operation, or no longer in use."))
    return operation


def _catalogue_part(value, field: str) -> Part:
    part = Part.objects.filter(pk=as_id(value, field), is_active=True).first()
    if part is None:
        raise invalid(field, _("Unknown part, or no longer sold."))
    return part


def _fixed(data: dict, field: str, name: str, value: Decimal, reason: str) -> None:
    """A value the catalogue sets may be sent along, but only as it is."""
    given = data.get(name)
    if given in (None, ""):
        return
    if as_decimal(given, field, maximum=MAX_UNIT_PRICE) != value:
        raise invalid(field, reason)


def _fill(order: WorkOrder, line: WorkOrderLine, data: dict[str, Any], p: str, *, creating: bool) -> None:
    """Set what ``data`` gives on ``line`` by its kind's rules (prefix ``p`` names the fields)."""
    if creating:
        line.kind = as_choice(data.get("kind"), f"{p}kind", LineKind)
    kind = line.kind
    if "pay_type" in data or creating:
        line.pay_type = as_choice(data.get("pay_type"), f"{p}pay_type", PayType, default=PayType.CUSTOMER)
    if "cause" in data or creating:
        line.cause = as_choice(data.get("cause"), f"{p}cause", LineCause, default=LineCause.FAULT)
    given_description = "description" in data and data["description"] not in (None, "")
    if given_description or creating:
        line.description = as_text(data.get("description"), f"{p}description", max_length=200)
    if kind == LineKind.LABOUR and creating and data.get("operation_id") not in (None, ""):
        line.operation = _catalogue_operation(data["operation_id"], f"{p}operation_id")
    if kind == LineKind.PART and creating:
        if data.get("part_id") in (None, ""):
            raise invalid(f"{p}part_id", _("Choose the part."))
        line.part = _catalogue_part(data["part_id"], f"{p}part_id")
    if kind != LineKind.LABOUR and data.get("operation_id") not in (None, "") and creating:
        raise invalid(f"{p}operation_id", _("Only a labour line takes a labour operation."))
    if kind != LineKind.PART and data.get("part_id") not in (None, "") and creating:
        raise invalid(f"{p}part_id", _("Only a part line takes a part."))

    if kind == LineKind.LABOUR and line.operation_id:
        # Catalogue labour: the standard hours at the order's labour rate, never typed.
        _fixed(data, f"{p}quantity", "quantity", line.operation.standard_hours,
               _("A catalogue operation is charged at its standard hours (%(value)s).")
               % {"value": line.operation.standard_hours})
        _fixed(data, f"{p}unit_price", "unit_price", order.labour_rate,
               _("Labour is charged at the order's labour rate (%(value)s).") % {"value": order.labour_rate})
        line.quantity = line.operation.standard_hours
        line.unit_price = order.labour_rate
        line.description = line.description or line.operation.name
    elif kind == LineKind.PART:
        if "quantity" in data or creating:
            line.quantity = _quantity(data.get("quantity"), f"{p}quantity")
        _fixed(data, f"{p}unit_price", "unit_price", line.part.sale_price,
               _("A part is charged at its sale price (%(value)s).") % {"value": line.part.sale_price})
        line.unit_price = line.part.sale_price
        line.description = line.description or line.part.name
    else:
        # Free-text labour (hours and a price), sublet and other work.
        if "quantity" in data or creating:
            label = _("Enter the hours.") if kind == LineKind.LABOUR else _("Enter the quantity.")
            if data.get("quantity") in (None, ""):
                raise invalid(f"{p}quantity", label)
            line.quantity = _quantity(data.get("quantity"), f"{p}quantity")
        if "unit_price" in data or creating:
            if data.get("unit_price") in (None, ""):
                raise invalid(f"{p}unit_price", _("Enter the price."))
            line.unit_price = _price(data["unit_price"], f"{p}unit_price")
        if not line.description:
            raise invalid(f"{p}description", _("Describe the work."))
    line.amount = to_money(line.quantity * line.unit_price)


def line_insert(*, user, order: WorkOrder, data: dict[str, Any], field_prefix: str = "",
                recompute: bool = True, exclusions=None, sequence: int | None = None) -> WorkOrderLine:
    """Add a line to an order the caller has locked (inside its transaction); ``sequence``: its number
    when the caller knows it (the lines of a new order), else the next one."""
    if not isinstance(data, dict):
        raise invalid(field_prefix.rstrip(".") or "lines", _("Give the line's kind and what it is."))
    supplement = adding_as_supplement(order)
    line = WorkOrderLine(work_order=order, is_supplement=supplement, status=LineStatus.PROPOSED,
                         added_by=user if getattr(user, "is_authenticated", False) else None)
    _fill(order, line, data, field_prefix, creating=True)
    _warranty(order, line, exclusions)
    if sequence is None:
        sequence = (order.lines.order_by("-sequence").values_list("sequence", flat=True).first() or 0) + 1
    line.sequence = sequence
    line.save()
    record_change(actor=user, instance=line, action=AuditAction.CREATE, before=None, after=snapshot(line))
    if recompute:
        order_recompute_totals(order)
    return line


def _locked_line(user, order_id, line_id, permission: str) -> tuple[WorkOrder, WorkOrderLine]:
    order = locked_order(user, order_id, permission)
    if not is_row_id(line_id):
        raise NotFoundError()
    line = (order.lines.select_related("operation", "part", "approval").select_for_update(of=("self",))
            .filter(pk=line_id).first())
    if line is None:
        raise NotFoundError()
    return order, line


def line_add(*, user, order_id, data: dict[str, Any]) -> WorkOrderLine:
    with command():
        order = locked_order(user, order_id, "workshop.add_workorderline")
        return line_insert(user=user, order=order, data=data)


def line_update(*, user, order_id, line_id, data: dict[str, Any]) -> WorkOrderLine:
    """Change a line not yet approved: description, quantity, price (free lines), pay type, cause.
    Its kind, part and operation stay (remove the line and add another)."""
    data = dict(data or {})
    with command():
        order, line = _locked_line(user, order_id, line_id, "workshop.change_workorderline")
        _check_editable(line, order)
        for fixed in ("kind", "part_id", "operation_id"):
            if fixed in data and data[fixed] not in (None, "") and data[fixed] != getattr(line, fixed):
                raise invalid(fixed, _("This cannot change; remove the line and add another."))
        before = snapshot(line)
        _fill(order, line, data, "", creating=False)
        _warranty(order, line)
        line.save()
        record_change(actor=user, instance=line, action=AuditAction.UPDATE, before=before, after=snapshot(line))
        order_recompute_totals(order)
    return line


def line_remove(*, user, order_id, line_id) -> WorkOrder:
    with command():
        order, line = _locked_line(user, order_id, line_id, "workshop.delete_workorderline")
        _check_editable(line, order)
        record_change(actor=user, instance=line, action=AuditAction.DELETE, before=snapshot(line), after=None)
        line.delete()
        order_recompute_totals(order)
    return order


def lines_recheck_warranty(*, order: WorkOrder) -> int:
    """Check the B and C lines still open to change again (after the mileage was corrected)."""
    from aftersales.warranty.services.check import active_exclusions

    lines = list(order.lines.filter(status=LineStatus.PROPOSED, pay_type__in=WARRANTY_PAY_TYPES)
                 .select_related("part", "operation"))
    if not lines:
        return 0
    exclusions = active_exclusions()
    for line in lines:
        _warranty(order, line, exclusions)
        line.save(update_fields=["warranty_status", "warranty_reasons", "coverage"])
    return len(lines)


def not_covered_warranty_lines(lines) -> dict[str, list[str]]:
    """Errors for C lines the warranty does not cover: they cannot go to the customer as C."""
    errors: dict[str, list[str]] = {}
    for line in lines:
        if line.pay_type == PayType.WARRANTY and line.warranty_status == WarrantyStatus.NOT_COVERED:
            reasons = "; ".join(line.warranty_reasons) or _("Not covered.")
            errors[f"lines.{line.sequence}.pay_type"] = [
                _("Line %(n)d is not covered by the warranty (%(reasons)s); choose another pay type.") % {
                    "n": line.sequence, "reasons": reasons}]
    return errors
