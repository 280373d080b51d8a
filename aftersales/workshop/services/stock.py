"""Parts on work orders: reserved when the customer approves, issued when the repair is finished,
released when the order is cancelled or a line is dropped. Stock itself moves only through
``parts.services.stock`` (row locks, never negative)."""

from __future__ import annotations

from decimal import Decimal

from aftersales.parts.services import stock_for, stock_issue, stock_release, stock_reserve

from ..choices import LineKind, LineStatus, StockState
from ..models import WorkOrder, WorkOrderLine

ZERO = Decimal("0")


def line_reserve(*, line: WorkOrderLine, user) -> WorkOrderLine:
    """Reserve what the line still needs; when the point has too few, mark it short instead."""
    order = line.work_order
    stock = stock_for(part_id=line.part_id, point_id=order.service_point_id)
    need = line.quantity - line.reserved_quantity - line.issued_quantity
    line.stock = stock
    if need <= 0:
        return line
    if stock.available >= need:
        stock_reserve(stock=stock, quantity=need, actor=user, line=line, reference=order.number)
        line.reserved_quantity += need
        line.stock_state = StockState.RESERVED
    else:
        line.stock_state = StockState.SHORT
    line.save(update_fields=["stock", "stock_state", "reserved_quantity"])
    return line


def line_release(*, line: WorkOrderLine, user, note: str = "") -> WorkOrderLine:
    if line.reserved_quantity > 0 and line.stock_id:
        stock_release(stock=line.stock_id, quantity=line.reserved_quantity, actor=user, line=line,
                      reference=line.work_order.number, note=note)
        line.reserved_quantity = ZERO
    if line.stock_state in (StockState.RESERVED, StockState.SHORT):
        line.stock_state = StockState.RELEASED
    line.save(update_fields=["reserved_quantity", "stock_state"])
    return line


def line_issue(*, line: WorkOrderLine, user) -> WorkOrderLine:
    """Issue the rest of the line to the job, from its reservation first."""
    order = line.work_order
    remaining = line.quantity - line.issued_quantity
    if remaining <= 0:
        return line
    stock = line.stock or stock_for(part_id=line.part_id, point_id=order.service_point_id)
    from_reserved = min(line.reserved_quantity, remaining)
    stock_issue(stock=stock, quantity=remaining, from_reserved=from_reserved, actor=user, line=line,
                reference=order.number, field=f"lines.{line.sequence}.quantity")
    line.stock = stock
    line.reserved_quantity -= from_reserved
    line.issued_quantity += remaining
    line.stock_state = StockState.ISSUED
    line.save(update_fields=["stock", "reserved_quantity", "issued_quantity", "stock_state"])
    return line


def _part_lines(order: WorkOrder):
    return (order.lines.filter(kind=LineKind.PART, status=LineStatus.APPROVED, part__isnull=False)
            .select_related("part", "stock").order_by("sequence", "id"))


def order_reserve_parts(*, order: WorkOrder, user, data: dict) -> None:
    for line in _part_lines(order).exclude(stock_state=StockState.ISSUED):
        line.work_order = order
        line_reserve(line=line, user=user)


def order_issue_parts(*, order: WorkOrder, user, data: dict) -> None:
    for line in _part_lines(order).exclude(stock_state=StockState.ISSUED):
        line.work_order = order
        line_issue(line=line, user=user)


def order_release_parts(*, order: WorkOrder, user, data: dict) -> None:
    for line in order.lines.filter(kind=LineKind.PART, reserved_quantity__gt=0).select_related("stock"):
        line.work_order = order
        line_release(line=line, user=user, note="cancelled")
