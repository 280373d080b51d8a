"""Parts, stock rows and work orders with part lines for the parts tests."""

from __future__ import annotations

import datetime as dt
import itertools
import secrets
from decimal import Decimal

from django.utils import timezone

from aftersales.assets.tests.factories import customer, vehicle
from aftersales.parts.models import Part, Stock
from aftersales.workshop.choices import LineKind, LineStatus, StockState, WorkOrderStatus
from aftersales.workshop.models import WorkOrder, WorkOrderLine

_n = itertools.count(1)


def part(number: str | None = None, *, name: str = "机油滤清器", category: str = "filter", unit: str = "piece",
         price: str = "68.00", **extra) -> Part:
    return Part.objects.create(number=number or f"P{next(_n):06d}", name=name, category=category, unit=unit,
                               sale_price=Decimal(price), cost_price=Decimal(price) / 2, **extra)


def stock(point, the_part: Part | None = None, *, on_hand: str = "0", reserved: str = "0",
          reorder_point: str = "0") -> Stock:
    return Stock.objects.create(part=the_part or part(), service_point=point, on_hand=Decimal(on_hand),
                                reserved=Decimal(reserved), reorder_point=Decimal(reorder_point))


def work_order(point, *, status: str = WorkOrderStatus.APPROVED, opened_minutes_ago: int = 60) -> WorkOrder:
    owner = customer(point)
    return WorkOrder.objects.create(
        number=f"WO{next(_n):08d}", service_point=point, customer=owner, asset=vehicle(owner),
        service_type="repair", status=status, status_token=secrets.token_urlsafe(24),
        opened_at=timezone.now() - dt.timedelta(minutes=opened_minutes_ago))


def short_line(order: WorkOrder, the_part: Part, quantity: str = "1", **extra) -> WorkOrderLine:
    """An approved part line the point had too few of when the order was approved."""
    return WorkOrderLine.objects.create(
        work_order=order, sequence=extra.pop("sequence", 1), kind=LineKind.PART, part=the_part,
        description=the_part.name, quantity=Decimal(quantity), unit_price=the_part.sale_price,
        amount=the_part.sale_price * Decimal(quantity), status=extra.pop("status", LineStatus.APPROVED),
        stock_state=extra.pop("stock_state", StockState.SHORT), **extra)
