"""The parts API: the catalogue, stock per point, goods receipts, count adjustments, the stock card."""

from ninja import Query, Router, Schema, Status

from aftersales.core.api import ERRORS, Page, require

from . import selectors, services
from .paging import checked_page
from .schemas import (
    AdjustmentIn,
    MovementOut,
    PartDetailOut,
    PartIn,
    PartOut,
    PartPatch,
    ReceiptIn,
    ReceiptOut,
    StockIn,
    StockOut,
    StockPatch,
)

router = Router(tags=["parts"])


def _limit(value: int) -> int:
    return max(1, min(value, 200))


class PartFilters(Schema):
    q: str = ""
    category: str = ""
    wear_part: bool | None = None
    is_active: bool | None = None
    limit: int = 50
    cursor: str | None = None


@router.get("/parts", response={200: Page[PartOut], **ERRORS},
            summary="The parts catalogue, by part number (search: number prefix or name fragment)")
def part_list(request, filters: Query[PartFilters]):
    require(request.user, "parts.view_part")
    qs = selectors.part_list(user=request.user, q=filters.q, category=filters.category,
                             wear_part=filters.wear_part, active=filters.is_active)
    items, cursor = checked_page(qs, limit=_limit(filters.limit), cursor=filters.cursor, ordering="number")
    return {"items": items, "next_cursor": cursor}


@router.post("/parts", response={201: PartOut, **ERRORS}, summary="Add a part to the catalogue")
def part_create(request, data: PartIn):
    require(request.user, "parts.add_part")
    return Status(201, services.part_create(user=request.user, data=data.dict()))


def _part_detail(user, part):
    part.stock_at_points = selectors.part_stock(user=user, part=part)
    return part


@router.get("/parts/{pk}", response={200: PartDetailOut, **ERRORS}, summary="One part, with its stock per point")
def part_detail(request, pk: int):
    require(request.user, "parts.view_part")
    return _part_detail(request.user, selectors.part_get(user=request.user, pk=pk))


@router.patch("/parts/{pk}", response={200: PartDetailOut, **ERRORS}, summary="Change a part")
def part_update(request, pk: int, data: PartPatch):
    require(request.user, "parts.change_part")
    return _part_detail(request.user, services.part_update(user=request.user, pk=pk,
                                                           data=data.dict(exclude_unset=True)))


@router.delete("/parts/{pk}", response={204: None, **ERRORS},
               summary="Delete a part that never moved (otherwise: 409, mark it inactive)")
def part_delete(request, pk: int):
    require(request.user, "parts.delete_part")
    services.part_delete(user=request.user, pk=pk)
    return Status(204, None)


class StockFilters(Schema):
    service_point_id: int | None = None
    part_id: int | None = None
    category: str = ""
    below_reorder: bool | None = None
    q: str = ""
    limit: int = 50
    cursor: str | None = None


@router.get("/stock", response={200: Page[StockOut], **ERRORS}, summary="Stock at my points (newest rows first)")
def stock_list(request, filters: Query[StockFilters]):
    require(request.user, "parts.view_stock")
    qs = selectors.stock_list(user=request.user, point_id=filters.service_point_id, part_id=filters.part_id,
                              category=filters.category, below_reorder=filters.below_reorder, q=filters.q)
    items, cursor = checked_page(qs, limit=_limit(filters.limit), cursor=filters.cursor, ordering="-id")
    return {"items": items, "next_cursor": cursor}


@router.post("/stock", response={201: StockOut, **ERRORS}, summary="Start keeping a part at a service point")
def stock_create(request, data: StockIn):
    require(request.user, "parts.add_stock")
    return Status(201, services.stock_open(user=request.user, data=data.dict()))


@router.get("/stock/{pk}", response={200: StockOut, **ERRORS}, summary="One stock row")
def stock_detail(request, pk: int):
    require(request.user, "parts.view_stock")
    return selectors.stock_get(user=request.user, pk=pk)


@router.patch("/stock/{pk}", response={200: StockOut, **ERRORS}, summary="Reorder point and bin location")
def stock_update(request, pk: int, data: StockPatch):
    require(request.user, "parts.change_stock")
    return services.stock_update(user=request.user, pk=pk, data=data.dict(exclude_unset=True))


@router.post("/stock/{pk}/receipts", response={201: ReceiptOut, **ERRORS},
             summary="Goods receipt; work-order lines short of the part get it, oldest order first")
def stock_receipt(request, pk: int, data: ReceiptIn):
    require(request.user, "parts.receive_stock")
    result = services.stock_receipt(user=request.user, pk=pk, quantity=data.quantity, unit_cost=data.unit_cost,
                                    delivery_note=data.delivery_note, note=data.note)
    return Status(201, {"movement": result.movement, "stock": result.stock, "reserved_for_lines": result.reserved,
                        "message": result.message})


@router.post("/stock/{pk}/adjustments", response={201: MovementOut, **ERRORS},
             summary="Stock count: on hand becomes the counted quantity (never below what is reserved)")
def stock_adjustment(request, pk: int, data: AdjustmentIn):
    require(request.user, "parts.adjust_stock")
    return Status(201, services.stock_count(user=request.user, pk=pk, counted=data.counted, reason=data.reason,
                                            reference=data.reference))


class MovementFilters(Schema):
    limit: int = 50
    cursor: str | None = None


@router.get("/stock/{pk}/movements", response={200: Page[MovementOut], **ERRORS},
            summary="The stock card: movements of one row, newest first")
def stock_movements(request, pk: int, filters: Query[MovementFilters]):
    require(request.user, "parts.view_stockmovement")
    stock = selectors.stock_get(user=request.user, pk=pk)
    qs = selectors.movement_list(user=request.user, stock=stock)
    items, cursor = checked_page(qs, limit=_limit(filters.limit), cursor=filters.cursor, ordering="-id")
    return {"items": items, "next_cursor": cursor}
