"""Reads of assets: always through ``restrict``."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Reverse

from aftersales.core.errors import NotFoundError
from aftersales.core.models import AuditLog

from . import forecast as fc
from .choices import AssetKind, CoverageKind
from .models import Asset, Coverage, MaintenanceInterval, MeterReading, Ownership


def asset_list(*, user, kind: str = "", owner_id: int | None = None, service_point_id: int | None = None,
               brand: str = "", q: str = "") -> QuerySet[Asset]:
    qs = Asset.objects.restrict(user, "view").select_related("owner", "service_point")
    if kind in AssetKind.values:
        qs = qs.filter(kind=kind)
    if owner_id:
        qs = qs.filter(owner_id=owner_id)
    if service_point_id:
        qs = qs.filter(service_point_id=service_point_id)
    if brand:
        qs = qs.filter(brand__iexact=brand.strip())
    q = (q or "").replace("\x00", "").strip()
    if q:
        upper = q.upper().replace(" ", "")
        # Each branch has a matching index (search app: trigram on UPPER(plate) and UPPER(serial_number),
        # text_pattern_ops on reverse(vin)), so PostgreSQL can OR three index scans instead of a table scan.
        qs = qs.alias(vin_reversed=Reverse("vin")).filter(
            Q(plate__icontains=upper) | Q(vin_reversed__startswith=upper[::-1]) | Q(serial_number__icontains=q))
    return qs


def asset_get(*, user, pk: int, action: str = "view") -> Asset:
    asset = (Asset.objects.restrict(user, action).select_related("owner", "service_point", "selling_dealer")
             .filter(pk=pk).first())
    if asset is None:
        raise NotFoundError()
    return asset


def ownership_history(*, asset: Asset) -> QuerySet[Ownership]:
    return asset.ownerships.select_related("customer").order_by("-started_on", "-id")


def reading_list(*, user, asset_id: int) -> QuerySet[MeterReading]:
    asset = asset_get(user=user, pk=asset_id)
    return MeterReading.objects.restrict(user, "view").filter(asset=asset).order_by("-read_on", "-id")


def readings_visible(*, user, asset_id: int | None = None) -> QuerySet[MeterReading]:
    qs = MeterReading.objects.restrict(user, "view").select_related("asset")
    return qs.filter(asset_id=asset_id) if asset_id else qs


def latest_values(asset_ids) -> dict[int, int]:
    """The latest meter value of each asset, in one query."""
    last = MeterReading.objects.filter(asset_id=OuterRef("pk")).order_by("-read_on", "-id").values("value")[:1]
    rows = Asset.objects.filter(pk__in=list(asset_ids)).annotate(last=Subquery(last)).values_list("pk", "last")
    return {pk: value for pk, value in rows if value is not None}


def reading_get(*, user, pk: int, action: str = "view") -> MeterReading:
    reading = MeterReading.objects.restrict(user, action).select_related("asset").filter(pk=pk).first()
    if reading is None:
        raise NotFoundError()
    return reading


def coverage_list(*, user, asset_id: int) -> QuerySet[Coverage]:
    asset = asset_get(user=user, pk=asset_id)
    return Coverage.objects.restrict(user, "view").filter(asset=asset).order_by("kind", "-ends_on", "id")


def coverages_visible(*, user, asset_id: int | None = None, kind: str = "",
                      ends_before=None) -> QuerySet[Coverage]:
    qs = Coverage.objects.restrict(user, "view").select_related("asset", "asset__owner")
    if asset_id:
        qs = qs.filter(asset_id=asset_id)
    if kind in CoverageKind.values:
        qs = qs.filter(kind=kind)
    if ends_before:
        qs = qs.filter(ends_on__lt=ends_before)
    return qs


def coverage_get(*, user, pk: int, action: str = "view") -> Coverage:
    coverage = Coverage.objects.restrict(user, action).select_related("asset").filter(pk=pk).first()
    if coverage is None:
        raise NotFoundError()
    return coverage


def interval_list(*, user, brand: str = "", q: str = "") -> QuerySet[MaintenanceInterval]:
    qs = MaintenanceInterval.objects.restrict(user, "view")
    if brand:
        qs = qs.filter(brand__iexact=brand.strip())
    q = (q or "").replace("\x00", "").strip()
    if q:
        qs = qs.filter(Q(brand__icontains=q) | Q(model__icontains=q))
    return qs.order_by("brand", "model", "id")


def interval_get(*, user, pk: int, action: str = "view") -> MaintenanceInterval:
    interval = MaintenanceInterval.objects.restrict(user, action).filter(pk=pk).first()
    if interval is None:
        raise NotFoundError()
    return interval


def interval_for(asset: Asset) -> fc.Interval | None:
    """The model's own interval, else the brand's default."""
    rows = MaintenanceInterval.objects.filter(brand__iexact=asset.brand).filter(
        Q(model="") | Q(model__iexact=asset.model))
    return fc.pick_interval(
        ((r.brand, r.model, fc.Interval(r.months, r.distance, r.first_months, r.first_distance)) for r in rows),
        brand=asset.brand, model=asset.model)


def forecast_for(asset: Asset) -> fc.Forecast:
    readings = [fc.Reading(r.read_on, r.value, r.is_meter_replacement, r.source)
                for r in asset.readings.order_by("read_on", "id")]
    return fc.next_maintenance(readings, interval_for(asset), sale_date=asset.sale_date or asset.installation_date)


def asset_forecast(*, user, pk: int) -> tuple[Asset, fc.Forecast]:
    asset = asset_get(user=user, pk=pk)
    return asset, forecast_for(asset)


def asset_timeline(*, asset: Asset, limit: int = 100) -> QuerySet[AuditLog]:
    """Changes of the asset and of its readings and coverages, newest first."""
    types = ContentType.objects.get_for_models(Asset, MeterReading, Coverage, for_concrete_models=False)
    condition = Q(content_type=types[Asset], object_id=str(asset.pk))
    reading_ids = [str(pk) for pk in asset.readings.values_list("pk", flat=True)[:500]]
    coverage_ids = [str(pk) for pk in asset.coverages.values_list("pk", flat=True)]
    if reading_ids:
        condition |= Q(content_type=types[MeterReading], object_id__in=reading_ids)
    if coverage_ids:
        condition |= Q(content_type=types[Coverage], object_id__in=coverage_ids)
    return AuditLog.objects.filter(condition).select_related("user", "content_type").order_by("-timestamp", "-id")[:limit]
