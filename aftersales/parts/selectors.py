"""Reads of the parts app: the catalogue, stock per point, the stock card."""

from __future__ import annotations

from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext as _

from aftersales.accounts.access import scope_for
from aftersales.core.errors import NotFoundError
from aftersales.core.inputs import is_row_id

from .choices import PartCategory
from .models import Part, Stock, StockMovement


def _clean(text: str, length: int = 100) -> str:
    return (text or "").replace("\x00", "").strip()[:length]


def part_list(*, user, q: str = "", category: str = "", wear_part: bool | None = None,
              active: bool | None = None) -> QuerySet[Part]:
    """Search by number (prefix, capitals) or name (fragment); each has its index on PostgreSQL."""
    qs = Part.objects.restrict(user, "view")
    q = _clean(q)
    if q:
        qs = qs.filter(Q(number__startswith=q.upper()) | Q(name__icontains=q))
    if category in PartCategory.values:
        qs = qs.filter(category=category)
    if wear_part is not None:
        qs = qs.filter(is_wear_part=wear_part)
    if active is not None:
        qs = qs.filter(is_active=active)
    return qs


def part_get(*, user, pk, action: str = "view") -> Part:
    part = Part.objects.restrict(user, action).filter(pk=pk).first() if is_row_id(pk) else None
    if part is None:
        raise NotFoundError()
    return part


def part_stock(*, user, part: Part) -> list[Stock]:
    """The part's stock at every point the user may see (none without ``parts.view_stock``)."""
    return list(Stock.objects.restrict(user, "view").filter(part=part).select_related("service_point")
                .order_by("service_point__path", "id"))


def stock_list(*, user, point_id: int | None = None, category: str = "", below_reorder: bool | None = None,
               q: str = "", part_id: int | None = None) -> QuerySet[Stock]:
    qs = Stock.objects.restrict(user, "view").select_related("part", "service_point")
    if point_id is not None:
        qs = qs.filter(service_point_id=point_id) if is_row_id(point_id) else qs.none()
    if part_id is not None:
        qs = qs.filter(part_id=part_id) if is_row_id(part_id) else qs.none()
    if category in PartCategory.values:
        qs = qs.filter(part__category=category)
    if below_reorder is True:
        qs = qs.filter(reorder_point__gt=0, reorder_point__gte=F("on_hand") - F("reserved"))
    elif below_reorder is False:
        qs = qs.exclude(reorder_point__gt=0, reorder_point__gte=F("on_hand") - F("reserved"))
    q = _clean(q)
    if q:
        qs = qs.filter(Q(part__number__startswith=q.upper()) | Q(part__name__icontains=q))
    return qs


def stock_get(*, user, pk, action: str = "view") -> Stock:
    row = None
    if is_row_id(pk):
        row = Stock.objects.restrict(user, action).select_related("part", "service_point").filter(pk=pk).first()
    if row is None:
        raise NotFoundError()
    return row


def movement_list(*, user, stock: Stock) -> QuerySet[StockMovement]:
    """The stock card of one row, newest first (page it by id)."""
    if not scope_for(user, "parts.view_stockmovement").covers(stock.service_point_id):
        raise NotFoundError()
    return (StockMovement.objects.filter(stock=stock)
            .select_related("actor", "work_order_line__work_order").order_by("-id"))


def points_for(user, permission: str):
    from aftersales.accounts.models import ServicePoint

    scope = scope_for(user, permission)
    qs = ServicePoint.objects.filter(is_active=True).order_by("path")
    return qs if scope.everything else qs.filter(pk__in=scope.point_ids)


STOCK_COLUMNS = [
    (lambda: _("part number"), lambda s: s.part.number), (lambda: _("name"), lambda s: s.part.name),
    (lambda: _("category"), lambda s: s.part.get_category_display()),
    (lambda: _("service point"), lambda s: s.service_point.name), (lambda: _("bin location"), lambda s: s.bin_location),
    (lambda: _("on hand"), lambda s: s.on_hand), (lambda: _("reserved"), lambda s: s.reserved),
    (lambda: _("available"), lambda s: s.available), (lambda: _("reorder point"), lambda s: s.reorder_point),
    (lambda: _("needs reordering"), lambda s: _("yes") if s.below_reorder else ""),
]
