"""Writes of assets: create, change, delete, and transfer to a new owner (one owner at a time)."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.models import ServicePoint
from aftersales.core.audit import record_change, snapshot
from aftersales.core.errors import ConflictError
from aftersales.core.models import AuditAction

from ..choices import AssetKind, MeterUnit
from ..models import Asset, Ownership
from ..plates import PlateError, normalise_plate
from ..vin import VinError, decode_vin
from ._input import as_date, as_int, as_text, invalid
from ._scope import locked_asset, point_in_scope, visible_owner
from .readings import reading_insert

TEXT_FIELDS = {
    "brand": 50, "model": 100, "engine_number": 32, "colour": 30, "serial_number": 64,
    "installation_address": 255, "notes": 5000,
}
DATE_FIELDS = ("sale_date", "installation_date")
VEHICLE_ONLY = ("vin", "plate", "engine_number", "colour")
PRODUCT_ONLY = ("serial_number", "installation_date", "installation_address")
EDITABLE = (*TEXT_FIELDS, *DATE_FIELDS, "vin", "plate", "model_year", "meter_unit", "selling_dealer_id",
            "service_point_id", "is_active")


def _apply(asset: Asset, data: dict[str, Any]) -> None:
    """Copy the given fields onto ``asset``, coercing and checking each one on its own."""
    for name, max_length in TEXT_FIELDS.items():
        if name in data:
            setattr(asset, name, as_text(data[name], name, max_length=max_length))
    for name in DATE_FIELDS:
        if name in data:
            setattr(asset, name, as_date(data[name], name, not_future=True))
    if "vin" in data:
        asset.vin = as_text(data["vin"], "vin", max_length=64).upper()
    if "plate" in data:
        asset.plate = as_text(data["plate"], "plate", max_length=32)
    if "model_year" in data:
        asset.model_year = as_int(data["model_year"], "model_year", minimum=1900,
                                  maximum=timezone.localdate().year + 2)
    if "meter_unit" in data and data["meter_unit"] not in (None, ""):
        if data["meter_unit"] not in MeterUnit.values:
            raise invalid("meter_unit", _("Choose kilometres or operating hours."))
        asset.meter_unit = data["meter_unit"]
    if "selling_dealer_id" in data:
        dealer_id = data["selling_dealer_id"]
        if dealer_id in (None, ""):
            asset.selling_dealer = None
        else:
            dealer = ServicePoint.objects.filter(pk=as_int(dealer_id, "selling_dealer_id", maximum=2**31 - 1)).first()
            if dealer is None:
                raise invalid("selling_dealer_id", _("Unknown service point."))
            asset.selling_dealer = dealer
    if "is_active" in data and data["is_active"] is not None:
        asset.is_active = bool(data["is_active"])


def _validate(asset: Asset) -> list[str]:
    """The rules for a whole asset; returns the warnings to show (a doubtful check digit)."""
    warnings: list[str] = []
    if asset.kind not in AssetKind.values:
        raise invalid("kind", _("Choose vehicle or product."))
    if not asset.brand:
        raise invalid("brand", _("This field is required."))
    if asset.kind == AssetKind.VEHICLE:
        if not asset.vin:
            raise invalid("vin", _("A vehicle needs its VIN."))
        try:
            info = decode_vin(asset.vin)
        except VinError as exc:
            raise invalid("vin", exc.reason) from exc
        if not info.acceptable:
            raise invalid("vin", info.warnings[0])
        asset.vin = info.vin
        warnings.extend(info.warnings)
        if asset.model_year is None and info.model_year and info.model_year <= timezone.localdate().year + 1:
            asset.model_year = info.model_year
        if asset.plate:
            try:
                asset.plate = normalise_plate(asset.plate)
            except PlateError as exc:
                raise invalid("plate", exc.reason) from exc
        for name in PRODUCT_ONLY:
            if getattr(asset, name):
                raise invalid(name, _("Only products have this; leave it empty for a vehicle."))
    else:
        if not asset.serial_number:
            raise invalid("serial_number", _("A product needs its serial number."))
        for name in VEHICLE_ONLY:
            if getattr(asset, name):
                raise invalid(name, _("Only vehicles have this; leave it empty for a product."))
    _check_unique(asset)
    return warnings


def _check_unique(asset: Asset) -> None:
    others = Asset.objects.exclude(pk=asset.pk) if asset.pk else Asset.objects.all()
    if asset.vin and others.filter(vin=asset.vin).exists():
        raise ConflictError("duplicate", _("Another asset has this VIN."), {"vin": [_("Another asset has this VIN.")]})
    if asset.serial_number and others.filter(brand=asset.brand, serial_number=asset.serial_number).exists():
        raise ConflictError("duplicate", _("Another product of this brand has this serial number."),
                            {"serial_number": [_("Another product of this brand has this serial number.")]})


def _save(asset: Asset) -> None:
    try:
        with transaction.atomic():
            asset.save()
    except IntegrityError as exc:  # a concurrent insert won the race for the VIN or serial number
        _check_unique(asset)
        raise ConflictError("duplicate", _("Another asset has the same VIN or serial number."),
                            {"vin" if asset.vin else "serial_number": [_("Already registered.")]}) from exc


def asset_create(*, user, data: dict) -> Asset:
    """Register a vehicle or product. ``data`` uses the API's input names; the returned asset carries
    ``warnings`` (for example a doubtful check digit outside China and North America)."""
    if not isinstance(data, dict):
        raise invalid("__all__", _("Send the asset's fields."))
    with transaction.atomic():
        kind = data.get("kind") or ""
        if kind not in AssetKind.values:
            raise invalid("kind", _("Choose vehicle or product."))
        owner = visible_owner(user, data.get("owner_id"))
        point_id = data.get("service_point_id") or owner.home_point_id
        point = point_in_scope(user, point_id, "assets.add_asset")
        asset = Asset(kind=kind, owner=owner, service_point=point,
                      meter_unit=MeterUnit.KM if kind == AssetKind.VEHICLE else MeterUnit.HOURS)
        _apply(asset, {k: v for k, v in data.items() if k in EDITABLE and k != "service_point_id"})
        warnings = _validate(asset)
        initial = data.get("initial_reading")
        _save(asset)
        Ownership.objects.create(asset=asset, customer=owner,
                                 started_on=asset.sale_date or asset.installation_date or timezone.localdate())
        record_change(actor=user, instance=asset, action=AuditAction.CREATE, before=None, after=snapshot(asset))
        if initial:
            if not isinstance(initial, dict):
                raise invalid("initial_reading", _("Give the date and the value of the reading."))
            reading_insert(user=user, asset=asset, read_on=initial.get("read_on"), value=initial.get("value"),
                           source=initial.get("source") or "", field_prefix="initial_reading.")
    asset.warnings = warnings
    return asset


def asset_update(*, user, pk: int, data: dict) -> Asset:
    if not isinstance(data, dict):
        raise invalid("__all__", _("Send the fields to change."))
    with transaction.atomic():
        asset = locked_asset(user, "assets.change_asset", pk)
        before = snapshot(asset)
        if "kind" in data and data["kind"] not in (None, asset.kind):
            raise invalid("kind", _("A vehicle stays a vehicle and a product a product; register a new asset."))
        if "owner_id" in data and data["owner_id"] not in (None, asset.owner_id):
            raise invalid("owner_id", _("Change the owner with a transfer, so that the history is kept."))
        if data.get("service_point_id") not in (None, asset.service_point_id):
            asset.service_point = point_in_scope(user, data["service_point_id"], "assets.change_asset")
        _apply(asset, {k: v for k, v in data.items() if k in EDITABLE and k != "service_point_id"})
        warnings = _validate(asset)
        _save(asset)
        record_change(actor=user, instance=asset, action=AuditAction.UPDATE, before=before, after=snapshot(asset))
    asset.warnings = warnings
    return asset


def asset_delete(*, user, pk: int) -> None:
    with transaction.atomic():
        asset = locked_asset(user, "assets.delete_asset", pk)
        record_change(actor=user, instance=asset, action=AuditAction.DELETE, before=snapshot(asset), after=None)
        asset.delete()


def asset_transfer(*, user, pk: int, new_owner_id: int, on_date) -> Asset:
    """Hand the asset to a new owner from ``on_date``; the previous ownership ends that day."""
    with transaction.atomic():
        asset = locked_asset(user, "assets.change_asset", pk)
        new_owner = visible_owner(user, new_owner_id, field="new_owner_id")
        day = as_date(on_date, "on_date", required=True, not_future=True)
        if new_owner.pk == asset.owner_id:
            raise invalid("new_owner_id", _("This customer already owns the asset."))
        current = asset.ownerships.filter(ended_on__isnull=True).order_by("-started_on", "-id").first()
        if current is not None and day < current.started_on:
            raise invalid("on_date", _("The current owner has it since %(day)s; choose that day or later.")
                          % {"day": current.started_on.isoformat()})
        if current is None:  # data from before ownership history was kept
            current = Ownership.objects.create(asset=asset, customer_id=asset.owner_id,
                                               started_on=min(asset.sale_date or day, day))
        current.ended_on = day
        current.save(update_fields=["ended_on"])
        Ownership.objects.create(asset=asset, customer=new_owner, started_on=day)
        before = {"owner_id": asset.owner_id}
        asset.owner = new_owner
        asset.save(update_fields=["owner", "updated_at"])
        record_change(actor=user, instance=asset, action=AuditAction.TRANSFER, before=before,
                      after={"owner_id": new_owner.pk, "on_date": day.isoformat()})
    return asset

