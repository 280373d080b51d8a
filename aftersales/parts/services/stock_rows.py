"""Stock rows as the parts clerk keeps them: open a row for a part at a point, set its reorder point
and bin, receive goods (reserving them for work-order lines that are short), correct after a count.

The permission is checked at the row's service point (rows elsewhere answer 404); quantities of
pieces and sets are whole numbers. Each command is one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from aftersales.accounts.access import scope_for
from aftersales.accounts.models import ServicePoint
from aftersales.core.audit import record_change, snapshot
from aftersales.core.errors import ConflictError, NotFoundError, PermissionDeniedError
from aftersales.core.inputs import as_decimal, as_id, as_money, as_text, invalid, is_row_id
from aftersales.core.models import AuditAction

from ..choices import PartUnit
from ..models import Part, Stock, StockMovement
from ..quantities import qty
from .stock import stock_adjust, stock_receive

MAX_QUANTITY = Decimal("999999.99")  # one delivery or count
MAX_ON_HAND = Decimal("9999999999.99")  # the column
WHOLE_UNITS = (PartUnit.PIECE, PartUnit.SET)


@dataclass
class ReservedForLine:
    line_id: int
    work_order_id: int
    work_order_number: str
    quantity: Decimal


@dataclass
class ReceiptResult:
    movement: StockMovement
    stock: Stock
    reserved: list[ReservedForLine] = field(default_factory=list)

    @property
    def message(self) -> str:
        text = _("Received %(quantity)s of %(part)s; %(on_hand)s on hand.") % {
            "quantity": qty(self.movement.quantity), "part": self.stock.part.number,
            "on_hand": qty(self.stock.on_hand)}
        if self.reserved:
            text += " " + _("Reserved for work orders waiting for it: %(orders)s.") % {"orders": ", ".join(
                f"{r.work_order_number} ({qty(r.quantity)})" for r in self.reserved)}
        return text


def _gate(user, permission: str) -> None:
    from aftersales.accounts.access import has_permission

    if not has_permission(user, permission):
        raise PermissionDeniedError()


def _quantity(value, field: str, part: Part, *, minimum: Decimal) -> Decimal:
    quantity = as_decimal(value, field, required=True, minimum=minimum, maximum=MAX_QUANTITY)
    if part.unit in WHOLE_UNITS and quantity != quantity.to_integral_value():
        raise invalid(field, _("%(part)s is counted in whole %(unit)s.") % {
            "part": part.number, "unit": part.get_unit_display()})
    return quantity


def _row_in_scope(user, pk, permission: str) -> Stock:
    """The stock row, where the user holds ``permission`` at its point; otherwise 404."""
    if not is_row_id(pk):
        raise NotFoundError()
    point_id = Stock.objects.filter(pk=pk).values_list("service_point_id", flat=True).first()
    if point_id is None or not scope_for(user, permission).covers(point_id):
        raise NotFoundError()
    return Stock.objects.select_related("part", "service_point").get(pk=pk)


def stock_open(*, user, data: dict[str, Any]) -> Stock:
    """Start keeping a part at a point (on hand 0); goods then come in through receipts.

    The part is named by ``part_id`` or, as typed on the page, by ``part_number``."""
    _gate(user, "parts.add_stock")
    with transaction.atomic():
        if data.get("part_id") in (None, "") and data.get("part_number"):
            number = as_text(data["part_number"], "part_id", max_length=40).upper()
            part = (Part.objects.filter(number=number, is_active=True).first()
                    or Part.objects.filter(number__iexact=number, is_active=True).first())
        else:
            part_id = as_id(data.get("part_id"), "part_id")
            part = Part.objects.filter(pk=part_id, is_active=True).first()
        if part is None:
            raise invalid("part_id", _("Unknown part, or not active."))
        point_id = as_id(data.get("service_point_id"), "service_point_id")
        point = ServicePoint.objects.filter(pk=point_id, is_active=True).first()
        if point is None or not scope_for(user, "parts.add_stock").covers(point.pk):
            raise invalid("service_point_id", _("Unknown service point, or not one where you may do this."))
        row = Stock(part=part, service_point=point)
        _apply_settings(row, data)
        message = _("%(point)s already keeps this part.") % {"point": point.name}
        if Stock.objects.filter(part=part, service_point=point).exists():
            raise ConflictError("duplicate", message, {"part_id": [message]})
        try:
            with transaction.atomic():
                row.save()
        except IntegrityError as exc:
            raise ConflictError("duplicate", message, {"part_id": [message]}) from exc
        record_change(actor=user, instance=row, action=AuditAction.CREATE, before=None, after=snapshot(row))
    return row


def _apply_settings(row: Stock, data: dict[str, Any]) -> None:
    if data.get("reorder_point") is not None:
        row.reorder_point = _quantity(data["reorder_point"], "reorder_point", row.part, minimum=Decimal(0))
    if data.get("bin_location") is not None:
        row.bin_location = as_text(data["bin_location"], "bin_location", max_length=32)


def stock_update(*, user, pk: int, data: dict[str, Any]) -> Stock:
    """Reorder point and bin location (quantities change only through movements)."""
    _gate(user, "parts.change_stock")
    with transaction.atomic():
        row = _row_in_scope(user, pk, "parts.change_stock")
        row = Stock.objects.select_related("part", "service_point").select_for_update(of=("self",)).get(pk=row.pk)
        before = snapshot(row)
        _apply_settings(row, data)
        row.save(update_fields=["reorder_point", "bin_location", "updated_at"])
        record_change(actor=user, instance=row, action=AuditAction.UPDATE, before=before, after=snapshot(row))
    return row


def _short_lines(stock: Stock):
    from aftersales.workshop.choices import OPEN_STATUSES, LineKind, LineStatus, StockState
    from aftersales.workshop.models import WorkOrderLine

    return (WorkOrderLine.objects.filter(
        kind=LineKind.PART, part_id=stock.part_id, status=LineStatus.APPROVED, stock_state=StockState.SHORT,
        work_order__service_point_id=stock.service_point_id, work_order__status__in=OPEN_STATUSES)
        .order_by("work_order__opened_at", "work_order_id", "sequence", "id"))


def _reserve_for_short_lines(*, user, stock: Stock, receipt: StockMovement, order_ids: list[int]) -> list:
    """Oldest orders first, each line whose whole need the stock now covers (the others stay short)."""
    from aftersales.workshop.choices import OPEN_STATUSES, StockState
    from aftersales.workshop.models import WorkOrderEvent
    from aftersales.workshop.services.stock import line_reserve

    if not order_ids:
        return []
    reserved = []
    stock.refresh_from_db(fields=["on_hand", "reserved"])
    for line in _short_lines(stock).filter(work_order_id__in=order_ids).select_related("work_order"):
        if line.work_order.status not in OPEN_STATUSES:
            continue
        need = line.quantity - line.reserved_quantity - line.issued_quantity
        if need <= 0 or need > stock.available:
            continue
        line_reserve(line=line, user=user)
        if line.stock_state != StockState.RESERVED:
            continue
        stock.refresh_from_db(fields=["on_hand", "reserved"])
        reserved.append(ReservedForLine(line.pk, line.work_order_id, line.work_order.number, need))
        WorkOrderEvent.objects.create(
            work_order=line.work_order, kind="parts_reserved",
            actor=user if getattr(user, "is_authenticated", False) else None,
            note=(_("%(quantity)s × %(part)s arrived and were reserved for line %(line)s.") % {
                "quantity": qty(need), "part": stock.part.number, "line": line.sequence})[:500],
            data={"line_id": line.pk, "quantity": str(need), "receipt_id": receipt.pk})
    return reserved


def stock_receipt(*, user, pk: int, quantity, unit_cost=None, delivery_note: str = "",
                  note: str = "") -> ReceiptResult:
    """Goods in. Work-order lines at the point that are short of this part get it, oldest order first."""
    from aftersales.workshop.models import WorkOrder

    _gate(user, "parts.receive_stock")
    with transaction.atomic():
        row = _row_in_scope(user, pk, "parts.receive_stock")
        quantity = _quantity(quantity, "quantity", row.part, minimum=Decimal("0.01"))
        unit_cost = as_money(unit_cost, "unit_cost")
        delivery_note = as_text(delivery_note, "delivery_note", max_length=64)
        note = as_text(note, "note", max_length=255)
        # Orders waiting for the part are locked before the stock row, the order the work-order
        # transitions lock them in (order, then stock), so a receipt and an approval cannot deadlock.
        order_ids = sorted(set(_short_lines(row).values_list("work_order_id", flat=True)))
        if order_ids:
            order_ids = list(WorkOrder.objects.select_for_update().filter(pk__in=order_ids).order_by("pk")
                             .values_list("pk", flat=True))
        current = Stock.objects.select_for_update().only("on_hand").get(pk=row.pk).on_hand
        if current + quantity > MAX_ON_HAND:
            raise invalid("quantity", _("That would be more than this stock row can hold."))
        movement = stock_receive(stock=row.pk, quantity=quantity, actor=user, reference=delivery_note, note=note,
                                 unit_cost=unit_cost)
        stock = movement.stock
        reserved = _reserve_for_short_lines(user=user, stock=stock, receipt=movement, order_ids=order_ids)
        stock.refresh_from_db()
    return ReceiptResult(movement=movement, stock=stock, reserved=reserved)


def stock_count(*, user, pk: int, counted, reason: str, reference: str = "") -> StockMovement:
    """A stock count: on hand becomes ``counted`` (never below what is reserved); the reason is kept."""
    _gate(user, "parts.adjust_stock")
    with transaction.atomic():
        row = _row_in_scope(user, pk, "parts.adjust_stock")
        counted = _quantity(counted, "counted", row.part, minimum=Decimal(0))
        reason = as_text(reason, "reason", max_length=255, required=True)
        reference = as_text(reference, "reference", max_length=64)
        return stock_adjust(stock=row.pk, counted=counted, actor=user, reference=reference, note=reason)
