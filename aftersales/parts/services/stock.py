"""Stock movements: receive, count, reserve for a work order, release, issue, return.

Every function locks the stock row (``SELECT … FOR UPDATE``) for the rest of the caller's
transaction, checks, changes ``on_hand`` / ``reserved`` and writes one ``StockMovement`` with the
quantities after it. Two clerks issuing the last unit at the same moment therefore queue on the
lock, and the second one sees the first one's result; the check constraints on ``Stock`` are the
last line of defence. Callers check that the user may act at the stock's service point.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from aftersales.core.commands import command
from aftersales.core.errors import ConflictError, validation_error
from aftersales.core.locks import holds_lock, mark_locked

from ..choices import MovementKind
from ..models import Stock, StockMovement
from ..quantities import qty

ZERO = Decimal("0")


class InsufficientStockError(ConflictError):
    def __init__(self, stock: Stock, wanted: Decimal, field: str = "quantity"):
        message = _("Only %(available)s of %(part)s available at %(point)s; %(wanted)s needed.") % {
            "available": qty(stock.available), "part": stock.part.number,
            "point": stock.service_point.name, "wanted": qty(wanted)}
        super().__init__("insufficient_stock", message, {field: [message]})
        self.available = stock.available


def _positive(quantity, field: str = "quantity") -> Decimal:
    quantity = Decimal(quantity)
    if quantity <= 0:
        raise validation_error(_("Some fields are not valid."), {field: [_("Enter a quantity above zero.")]})
    return quantity


def stock_for(*, part_id: int, point_id: int, lock: bool = True) -> Stock:
    """The stock row of a part at a point, created empty when the point never held it."""
    qs = Stock.objects.select_related("part", "service_point")
    if lock:
        qs = qs.select_for_update(of=("self",))
    row = qs.filter(part_id=part_id, service_point_id=point_id).first()
    if row is None:
        try:
            with transaction.atomic():
                Stock.objects.create(part_id=part_id, service_point_id=point_id)
        except IntegrityError:
            pass  # created meanwhile by a concurrent caller
        row = qs.get(part_id=part_id, service_point_id=point_id)
    return mark_locked(row) if lock else row


def _locked(stock: Stock | int) -> Stock:
    """The stock row locked: a row ``stock_for`` locked in this transaction is taken as it is (only this
    transaction can have changed it since), anything else is read again under the lock."""
    if isinstance(stock, Stock) and holds_lock(stock):
        return stock
    pk = stock if isinstance(stock, int) else stock.pk
    return mark_locked(Stock.objects.select_related("part", "service_point").select_for_update(of=("self",))
                       .get(pk=pk))


def _move(stock: Stock, kind: str, quantity: Decimal, *, actor=None, line=None, reference: str = "",
          note: str = "", unit_cost=None) -> StockMovement:
    stock.save(update_fields=["on_hand", "reserved", "updated_at"])
    return StockMovement.objects.create(
        stock=stock, kind=kind, quantity=quantity, on_hand_after=stock.on_hand, reserved_after=stock.reserved,
        work_order_line=line, reference=reference[:64], note=note[:255], unit_cost=unit_cost,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
    )


def stock_receive(*, stock: Stock | int, quantity, actor=None, reference: str = "", note: str = "",
                  unit_cost=None) -> StockMovement:
    """Goods in (delivery from the supplier or another point)."""
    with command():
        row = _locked(stock)
        quantity = _positive(quantity)
        row.on_hand += quantity
        return _move(row, MovementKind.RECEIPT, quantity, actor=actor, reference=reference, note=note,
                     unit_cost=unit_cost)


def stock_adjust(*, stock: Stock | int, counted, actor=None, reference: str = "", note: str = "") -> StockMovement:
    """A stock count: on hand becomes ``counted``; it cannot fall below what is reserved."""
    with command():
        row = _locked(stock)
        counted = Decimal(counted)
        if counted < 0:
            raise validation_error(_("Some fields are not valid."), {"counted": [_("Stock cannot be negative.")]})
        if counted < row.reserved:
            message = _("%(reserved)s are reserved for work orders; release them before counting less.") % {
                "reserved": qty(row.reserved)}
            raise ConflictError("reserved_stock", message, {"counted": [message]})
        change = counted - row.on_hand
        row.on_hand = counted
        return _move(row, MovementKind.ADJUSTMENT, change, actor=actor, reference=reference, note=note)


def stock_reserve(*, stock: Stock | int, quantity, actor=None, line=None, reference: str = "",
                  field: str = "quantity") -> StockMovement:
    """Promise ``quantity`` to a work order line; refused when fewer are available."""
    with command():
        row = _locked(stock)
        quantity = _positive(quantity, field)
        if row.available < quantity:
            raise InsufficientStockError(row, quantity, field)
        row.reserved += quantity
        return _move(row, MovementKind.RESERVE, quantity, actor=actor, line=line, reference=reference)


def stock_release(*, stock: Stock | int, quantity, actor=None, line=None, reference: str = "",
                  note: str = "") -> StockMovement:
    """Give a reservation back (order cancelled, line declined or changed)."""
    with command():
        row = _locked(stock)
        quantity = _positive(quantity)
        if quantity > row.reserved:
            raise ConflictError("not_reserved", _("Fewer are reserved than you release."),
                                {"quantity": [_("Fewer are reserved than you release.")]})
        row.reserved -= quantity
        return _move(row, MovementKind.RELEASE, quantity, actor=actor, line=line, reference=reference, note=note)


def stock_issue(*, stock: Stock | int, quantity, actor=None, line=None, reference: str = "",
                from_reserved=ZERO, field: str = "quantity") -> StockMovement:
    """Hand parts to the job: ``from_reserved`` of them were reserved for it, the rest must be free."""
    with command():
        row = _locked(stock)
        quantity = _positive(quantity, field)
        from_reserved = min(Decimal(from_reserved), quantity)
        if from_reserved > row.reserved:
            raise ConflictError("not_reserved", _("Fewer are reserved than you issue from the reservation."),
                                {field: [_("Fewer are reserved than you issue from the reservation.")]})
        unreserved = quantity - from_reserved
        if unreserved > row.available:
            raise InsufficientStockError(row, unreserved, field)
        row.reserved -= from_reserved
        row.on_hand -= quantity
        return _move(row, MovementKind.ISSUE, quantity, actor=actor, line=line, reference=reference)


def stock_return(*, stock: Stock | int, quantity, actor=None, line=None, reference: str = "",
                 note: str = "") -> StockMovement:
    """Unused parts come back from the job to the shelf."""
    with command():
        row = _locked(stock)
        quantity = _positive(quantity)
        row.on_hand += quantity
        return _move(row, MovementKind.RETURN, quantity, actor=actor, line=line, reference=reference, note=note)
