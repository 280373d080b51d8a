from contextlib import contextmanager
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from aftersales.accounts.access import sees_personal_data
from aftersales.core.api import ERRORS, Page, keyset_page, offset_page, require
from aftersales.core.errors import NotFoundError, validation_error

from . import selectors, services
from .coverage import status_of
from .schemas import (
    AssetIn,
    AssetOut,
    AssetPatch,
    CoverageCreateIn,
    CoverageIn,
    CoverageOut,
    CoveragePatch,
    ForecastOut,
    IntervalIn,
    IntervalOut,
    IntervalPatch,
    ReadingCreateIn,
    ReadingIn,
    ReadingOut,
    TransferIn,
    VinOut,
)
from .vin import VinError, decode_vin

router = Router(tags=["assets"])


@contextmanager
def _unknown_asset_is_422():
    """An asset named in the body that the user cannot reach is a bad field, not a missing page."""
    try:
        yield
    except NotFoundError as exc:
        raise validation_error(_("Unknown asset."), {"asset_id": [_("Unknown asset.")]}) from exc


def _limit(value: int) -> int:
    return max(1, min(value, 200))


def _detail(user, asset):
    asset.show_personal = sees_personal_data(user, asset.service_point_id)
    return asset


class AssetFilters(Schema):
    kind: str = ""
    owner_id: int | None = None
    service_point_id: int | None = None
    brand: str = ""
    q: str = ""
    limit: int = 50
    cursor: str | None = None


@router.get("/assets", response={200: Page[AssetOut], **ERRORS}, summary="List vehicles and products")
def asset_list(request, filters: Query[AssetFilters]):
    require(request.user, "assets.view_asset")
    qs = selectors.asset_list(user=request.user, kind=filters.kind, owner_id=filters.owner_id,
                              service_point_id=filters.service_point_id, brand=filters.brand, q=filters.q)
    items, cursor = keyset_page(qs, limit=_limit(filters.limit), cursor=filters.cursor)
    return {"items": items, "next_cursor": cursor}


@router.post("/assets", response={201: AssetOut, **ERRORS}, summary="Register a vehicle or product")
def asset_create(request, data: AssetIn):
    require(request.user, "assets.add_asset")
    payload = data.dict(exclude_unset=True)
    payload["kind"] = data.kind.value
    asset = services.asset_create(user=request.user, data=payload)
    return Status(201, _detail(request.user, asset))


@router.get("/assets/{pk}", response={200: AssetOut, **ERRORS}, summary="One asset")
def asset_detail(request, pk: int):
    require(request.user, "assets.view_asset")
    return _detail(request.user, selectors.asset_get(user=request.user, pk=pk))


@router.patch("/assets/{pk}", response={200: AssetOut, **ERRORS}, summary="Change an asset")
def asset_update(request, pk: int, data: AssetPatch):
    require(request.user, "assets.change_asset")
    asset = services.asset_update(user=request.user, pk=pk, data=data.dict(exclude_unset=True))
    return _detail(request.user, asset)


@router.delete("/assets/{pk}", response={204: None, **ERRORS}, summary="Delete an asset")
def asset_delete(request, pk: int):
    require(request.user, "assets.delete_asset")
    services.asset_delete(user=request.user, pk=pk)
    return Status(204, None)


@router.post("/assets/{pk}/transfer", response={200: AssetOut, **ERRORS},
             summary="Transfer to a new owner (the ownership history keeps the previous one)")
def asset_transfer(request, pk: int, data: TransferIn):
    require(request.user, "assets.change_asset")
    services.asset_transfer(user=request.user, pk=pk, new_owner_id=data.new_owner_id, on_date=data.on_date)
    return _detail(request.user, selectors.asset_get(user=request.user, pk=pk))


class PageFilters(Schema):
    limit: int = 50
    cursor: str | None = None


@router.get("/assets/{pk}/readings", response={200: Page[ReadingOut], **ERRORS}, summary="Meter readings, newest first")
def reading_list(request, pk: int, filters: Query[PageFilters]):
    require(request.user, "assets.view_meterreading")
    qs = selectors.reading_list(user=request.user, asset_id=pk)
    items, cursor = offset_page(qs, limit=_limit(filters.limit), cursor=filters.cursor)
    return {"items": items, "next_cursor": cursor}


@router.post("/assets/{pk}/readings", response={201: ReadingOut, **ERRORS},
             summary="Add a meter reading (lower than the last only when the meter was replaced)")
def reading_create(request, pk: int, data: ReadingIn):
    require(request.user, "assets.add_meterreading")
    reading = services.meter_reading_add(user=request.user, asset_id=pk, read_on=data.read_on, value=data.value,
                                         is_meter_replacement=data.is_meter_replacement, source=data.source)
    return Status(201, reading)


class ReadingFilters(Schema):
    asset_id: int | None = None
    limit: int = 50
    cursor: str | None = None


@router.get("/readings", response={200: Page[ReadingOut], **ERRORS}, summary="Meter readings of my points, newest first")
def reading_list_all(request, filters: Query[ReadingFilters]):
    require(request.user, "assets.view_meterreading")
    qs = selectors.readings_visible(user=request.user, asset_id=filters.asset_id)
    items, cursor = keyset_page(qs, limit=_limit(filters.limit), cursor=filters.cursor)
    return {"items": items, "next_cursor": cursor}


@router.post("/readings", response={201: ReadingOut, **ERRORS}, summary="Add a meter reading to the asset named")
def reading_create_flat(request, data: ReadingCreateIn):
    require(request.user, "assets.add_meterreading")
    with _unknown_asset_is_422():
        reading = services.meter_reading_add(user=request.user, asset_id=data.asset_id, read_on=data.read_on,
                                             value=data.value, is_meter_replacement=data.is_meter_replacement,
                                             source=data.source)
    return Status(201, reading)


@router.get("/readings/{pk}", response={200: ReadingOut, **ERRORS}, summary="One meter reading")
def reading_detail(request, pk: int):
    require(request.user, "assets.view_meterreading")
    return selectors.reading_get(user=request.user, pk=pk)


@router.delete("/readings/{pk}", response={204: None, **ERRORS}, summary="Delete a meter reading")
def reading_delete(request, pk: int):
    require(request.user, "assets.delete_meterreading")
    services.meter_reading_delete(user=request.user, pk=pk)
    return Status(204, None)


@router.get("/assets/{pk}/forecast", response={200: ForecastOut, **ERRORS},
            summary="Average daily use and the next maintenance due")
def asset_forecast(request, pk: int):
    require(request.user, "assets.view_asset")
    asset, result = selectors.asset_forecast(user=request.user, pk=pk)
    last = result.last_reading
    return {
        "asset_id": asset.pk, "meter_unit": asset.meter_unit,
        "average_daily": round(result.average_daily, 2) if result.average_daily is not None else None,
        "last_reading_on": last.read_on if last else None, "last_reading_value": last.value if last else None,
        "base_date": result.base_date, "base_is_service": result.base_is_service,
        "interval_months": result.interval_months, "interval_distance": result.interval_distance,
        "distance_since_base": result.distance_since_base, "due_by_time": result.due_by_time,
        "due_by_distance": result.due_by_distance, "due_date": result.due_date, "due_reason": result.due_reason,
        "due_reading": result.due_reading, "remaining_distance": result.remaining_distance,
    }


class CoverageFilters(Schema):
    on: date | None = None
    distance: int | None = None
    limit: int = 50
    cursor: str | None = None


def _coverage_out(coverages, *, on: date | None, distance: int | None) -> list[dict]:
    """Coverages with their status on ``on`` (default today) at ``distance`` (default: each asset's latest
    reading, fetched in one query)."""
    coverages = list(coverages)
    latest = {} if distance is not None else selectors.latest_values({c.asset_id for c in coverages})
    day = on or timezone.localdate()
    out = []
    for c in coverages:
        status = status_of(c, day, distance if distance is not None else latest.get(c.asset_id))
        out.append({"id": c.pk, "asset_id": c.asset_id, "kind": c.kind, "starts_on": c.starts_on,
                    "ends_on": c.ends_on, "distance_limit": c.distance_limit, "provider": c.provider,
                    "policy_number": c.policy_number, "notes": c.notes, "in_force": status.in_force,
                    "status": status.reason})
    return out


@router.get("/assets/{pk}/coverages", response={200: Page[CoverageOut], **ERRORS},
            summary="Coverages with whether each is in force (on a day, at a distance; default today, latest reading)")
def coverage_list(request, pk: int, filters: Query[CoverageFilters]):
    require(request.user, "assets.view_coverage")
    qs = selectors.coverage_list(user=request.user, asset_id=pk)
    items, cursor = offset_page(qs, limit=_limit(filters.limit), cursor=filters.cursor)
    return {"items": _coverage_out(items, on=filters.on, distance=filters.distance), "next_cursor": cursor}


@router.post("/assets/{pk}/coverages", response={201: CoverageOut, **ERRORS}, summary="Add a coverage")
def coverage_create(request, pk: int, data: CoverageIn):
    require(request.user, "assets.add_coverage")
    payload = data.dict()
    payload["kind"] = data.kind.value
    coverage = services.coverage_create(user=request.user, asset_id=pk, data=payload)
    return Status(201, _coverage_out([coverage], on=None, distance=None)[0])


class AllCoverageFilters(Schema):
    asset_id: int | None = None
    kind: str = ""
    ends_before: date | None = None
    limit: int = 50
    cursor: str | None = None


@router.get("/coverages", response={200: Page[CoverageOut], **ERRORS},
            summary="Coverages of my points (e.g. insurance ending before a day, for renewal calls)")
def coverage_list_all(request, filters: Query[AllCoverageFilters]):
    require(request.user, "assets.view_coverage")
    qs = selectors.coverages_visible(user=request.user, asset_id=filters.asset_id, kind=filters.kind,
                                     ends_before=filters.ends_before)
    items, cursor = keyset_page(qs, limit=_limit(filters.limit), cursor=filters.cursor)
    return {"items": _coverage_out(items, on=None, distance=None), "next_cursor": cursor}


@router.post("/coverages", response={201: CoverageOut, **ERRORS}, summary="Add a coverage to the asset named")
def coverage_create_flat(request, data: CoverageCreateIn):
    require(request.user, "assets.add_coverage")
    payload = data.dict()
    payload["kind"] = data.kind.value
    asset_id = payload.pop("asset_id")
    with _unknown_asset_is_422():
        coverage = services.coverage_create(user=request.user, asset_id=asset_id, data=payload)
    return Status(201, _coverage_out([coverage], on=None, distance=None)[0])


@router.get("/coverages/{pk}", response={200: CoverageOut, **ERRORS}, summary="One coverage")
def coverage_detail(request, pk: int):
    require(request.user, "assets.view_coverage")
    return _coverage_out([selectors.coverage_get(user=request.user, pk=pk)], on=None, distance=None)[0]


@router.patch("/coverages/{pk}", response={200: CoverageOut, **ERRORS}, summary="Change a coverage")
def coverage_update(request, pk: int, data: CoveragePatch):
    require(request.user, "assets.change_coverage")
    payload = data.dict(exclude_unset=True)
    if payload.get("kind") is not None:
        payload["kind"] = data.kind.value
    coverage = services.coverage_update(user=request.user, pk=pk, data=payload)
    return _coverage_out([coverage], on=None, distance=None)[0]


@router.delete("/coverages/{pk}", response={204: None, **ERRORS}, summary="Delete a coverage")
def coverage_delete(request, pk: int):
    require(request.user, "assets.delete_coverage")
    services.coverage_delete(user=request.user, pk=pk)
    return Status(204, None)


class IntervalFilters(Schema):
    brand: str = ""
    q: str = ""
    limit: int = 50
    cursor: str | None = None


@router.get("/maintenance-intervals", response={200: Page[IntervalOut], **ERRORS},
            summary="Maintenance intervals by brand and model")
def interval_list(request, filters: Query[IntervalFilters]):
    require(request.user, "assets.view_maintenanceinterval")
    qs = selectors.interval_list(user=request.user, brand=filters.brand, q=filters.q)
    items, cursor = offset_page(qs, limit=_limit(filters.limit), cursor=filters.cursor)
    return {"items": items, "next_cursor": cursor}


@router.post("/maintenance-intervals", response={201: IntervalOut, **ERRORS},
             summary="Add a maintenance interval (HQ)")
def interval_create(request, data: IntervalIn):
    require(request.user, "assets.add_maintenanceinterval")
    return Status(201, services.maintenance_interval_create(user=request.user, data=data.dict()))


@router.get("/maintenance-intervals/{pk}", response={200: IntervalOut, **ERRORS}, summary="One maintenance interval")
def interval_detail(request, pk: int):
    require(request.user, "assets.view_maintenanceinterval")
    return selectors.interval_get(user=request.user, pk=pk)


@router.patch("/maintenance-intervals/{pk}", response={200: IntervalOut, **ERRORS},
              summary="Change a maintenance interval (HQ)")
def interval_update(request, pk: int, data: IntervalPatch):
    require(request.user, "assets.change_maintenanceinterval")
    return services.maintenance_interval_update(user=request.user, pk=pk, data=data.dict(exclude_unset=True))


@router.delete("/maintenance-intervals/{pk}", response={204: None, **ERRORS},
               summary="Delete a maintenance interval (HQ)")
def interval_delete(request, pk: int):
    require(request.user, "assets.delete_maintenanceinterval")
    services.maintenance_interval_delete(user=request.user, pk=pk)
    return Status(204, None)


@router.get("/vin/{vin}", response={200: VinOut, **ERRORS},
            summary="Decode a VIN: structure, check digit (and whether it is mandatory), region, maker, year")
def vin_decode(request, vin: str):
    require(request.user, "assets.view_asset")
    try:
        info = decode_vin(vin)
    except VinError as exc:
        raise validation_error(_("This is not a well-formed VIN."), {"vin": [exc.reason]}) from exc
    return info
