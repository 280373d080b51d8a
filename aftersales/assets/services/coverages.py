"""Coverages of an asset (warranty, three guarantees, contracts, insurance) and maintenance intervals."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from aftersales.accounts.access import scope_for
from aftersales.core.audit import record_change, snapshot
from aftersales.core.errors import ConflictError, NotFoundError, PermissionDeniedError
from aftersales.core.models import AuditAction

from ..choices import AssetKind, CoverageKind
from ..models import Coverage, MaintenanceInterval
from ._input import as_date, as_int, as_text, invalid
from ._scope import locked_asset

COVERAGE_TEXT = {"provider": 100, "policy_number": 64, "notes": 5000}


def _apply_coverage(coverage: Coverage, data: dict[str, Any]) -> None:
    if "kind" in data:
        if data["kind"] not in CoverageKind.values:
            raise invalid("kind", _("Choose a kind of coverage."))
        coverage.kind = data["kind"]
    for name in ("starts_on", "ends_on"):
        if name in data:
            setattr(coverage, name, as_date(data[name], name, required=True))
    if "distance_limit" in data:
        coverage.distance_limit = as_int(data["distance_limit"], "distance_limit", minimum=1)
    for name, max_length in COVERAGE_TEXT.items():
        if name in data:
            setattr(coverage, name, as_text(data[name], name, max_length=max_length))


def _validate_coverage(coverage: Coverage) -> None:
    if not coverage.kind:
        raise invalid("kind", _("Choose a kind of coverage."))
    if coverage.starts_on is None:
        raise invalid("starts_on", _("This field is required."))
    if coverage.ends_on is None:
        raise invalid("ends_on", _("This field is required."))
    if coverage.ends_on < coverage.starts_on:
        raise invalid("ends_on", _("The end cannot come before the start."))
    if coverage.kind == CoverageKind.INSURANCE:
        if not coverage.provider:
            raise invalid("provider", _("Name the insurer."))
        if not coverage.policy_number:
            raise invalid("policy_number", _("Enter the policy number."))
    if (coverage.kind == CoverageKind.THREE_GUARANTEE and coverage.asset.kind == AssetKind.VEHICLE
            and not coverage.distance_limit):
        raise invalid("distance_limit", _("A vehicle's three-guarantee period is limited by distance too "
                                          "(by law at least 50,000 km)."))


def coverage_create(*, user, asset_id: int, data: dict) -> Coverage:
    with transaction.atomic():
        asset = locked_asset(user, "assets.add_coverage", asset_id)
        coverage = Coverage(asset=asset)
        _apply_coverage(coverage, data)
        _validate_coverage(coverage)
        coverage.save()
        record_change(actor=user, instance=coverage, action=AuditAction.CREATE, before=None, after=snapshot(coverage))
    return coverage


def _coverage_locked(user, pk, action: str) -> Coverage:
    if not isinstance(pk, int) or not Coverage.objects.restrict(user, action).filter(pk=pk).exists():
        raise NotFoundError()
    return Coverage.objects.select_for_update().select_related("asset").get(pk=pk)


def coverage_update(*, user, pk: int, data: dict) -> Coverage:
    with transaction.atomic():
        coverage = _coverage_locked(user, pk, "change")
        before = snapshot(coverage)
        _apply_coverage(coverage, data)
        _validate_coverage(coverage)
        coverage.save()
        record_change(actor=user, instance=coverage, action=AuditAction.UPDATE, before=before,
                      after=snapshot(coverage))
    return coverage


def coverage_delete(*, user, pk: int) -> None:
    with transaction.atomic():
        coverage = _coverage_locked(user, pk, "delete")
        record_change(actor=user, instance=coverage, action=AuditAction.DELETE, before=snapshot(coverage), after=None)
        coverage.delete()


# Maintenance intervals are reference data shared by every point: only HQ-wide roles change them.

def _require_network_wide(user, permission: str) -> None:
    if not scope_for(user, permission).everything:
        raise PermissionDeniedError(_("Maintenance intervals apply to the whole network; HQ maintains them."))


def _apply_interval(interval: MaintenanceInterval, data: dict[str, Any]) -> None:
    if "brand" in data:
        interval.brand = as_text(data["brand"], "brand", max_length=50, required=True)
    if "model" in data:
        interval.model = as_text(data["model"], "model", max_length=100)
    if "months" in data:
        interval.months = as_int(data["months"], "months", required=True, maximum=120)
    if "distance" in data:
        interval.distance = as_int(data["distance"], "distance", required=True, maximum=1_000_000)
    if "first_months" in data:
        interval.first_months = as_int(data["first_months"], "first_months", minimum=1, maximum=120)
    if "first_distance" in data:
        interval.first_distance = as_int(data["first_distance"], "first_distance", minimum=1, maximum=1_000_000)
    if not interval.brand:
        raise invalid("brand", _("This field is required."))
    if not interval.months and not interval.distance:
        raise invalid("months", _("Give an interval in months, in distance, or both."))


def _save_interval(interval: MaintenanceInterval) -> None:
    clash = MaintenanceInterval.objects.filter(brand__iexact=interval.brand, model__iexact=interval.model)
    if interval.pk:
        clash = clash.exclude(pk=interval.pk)
    message = _("This brand and model already have an interval.")
    if clash.exists():
        raise ConflictError("duplicate", message, {"model": [message]})
    try:
        with transaction.atomic():
            interval.save()
    except IntegrityError as exc:
        raise ConflictError("duplicate", message, {"model": [message]}) from exc


def maintenance_interval_create(*, user, data: dict) -> MaintenanceInterval:
    _require_network_wide(user, "assets.add_maintenanceinterval")
    with transaction.atomic():
        interval = MaintenanceInterval(brand="", model="")
        _apply_interval(interval, {"model": "", **data})
        _save_interval(interval)
        record_change(actor=user, instance=interval, action=AuditAction.CREATE, before=None, after=snapshot(interval))
    return interval


def _interval_locked(user, pk, action: str) -> MaintenanceInterval:
    if not isinstance(pk, int) or not MaintenanceInterval.objects.restrict(user, action).filter(pk=pk).exists():
        raise NotFoundError()
    return MaintenanceInterval.objects.select_for_update().get(pk=pk)


def maintenance_interval_update(*, user, pk: int, data: dict) -> MaintenanceInterval:
    _require_network_wide(user, "assets.change_maintenanceinterval")
    with transaction.atomic():
        interval = _interval_locked(user, pk, "change")
        before = snapshot(interval)
        _apply_interval(interval, data)
        _save_interval(interval)
        record_change(actor=user, instance=interval, action=AuditAction.UPDATE, before=before,
                      after=snapshot(interval))
    return interval


def maintenance_interval_delete(*, user, pk: int) -> None:
    _require_network_wide(user, "assets.delete_maintenanceinterval")
    with transaction.atomic():
        interval = _interval_locked(user, pk, "delete")
        record_change(actor=user, instance=interval, action=AuditAction.DELETE, before=snapshot(interval),
                      after=None)
        interval.delete()
