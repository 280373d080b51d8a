"""Meter readings: a meter only goes up, unless it was replaced."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from aftersales.core.audit import record_change, snapshot
from aftersales.core.errors import NotFoundError, validation_error
from aftersales.core.models import AuditAction

from ..models import Asset, MeterReading
from ._input import as_bool, as_date, as_int, as_text
from ._scope import locked_asset


def _check_order(asset: Asset, read_on, value: int, is_replacement: bool, *, field: str,
                 exclude_pk: int | None = None) -> None:
    """A reading may not be below the one before it (unless the meter was replaced), nor above a
    later one of the same meter."""
    readings = asset.readings.exclude(pk=exclude_pk) if exclude_pk else asset.readings.all()
    before = readings.filter(read_on__lte=read_on).order_by("-read_on", "-id").first()
    if before is not None and not is_replacement and value < before.value:
        raise validation_error(_("A meter reading cannot go down."), {field: [
            _("Lower than %(value)d on %(day)s. Tick “meter replaced” if a new meter was fitted.")
            % {"value": before.value, "day": before.read_on.isoformat()}]})
    after = readings.filter(read_on__gt=read_on).order_by("read_on", "id").first()
    if after is not None and not after.is_meter_replacement and after.value < value:
        raise validation_error(_("A meter reading cannot go down."), {field: [
            _("Higher than the later reading %(value)d on %(day)s.")
            % {"value": after.value, "day": after.read_on.isoformat()}]})


def reading_insert(*, user, asset: Asset, read_on, value, is_meter_replacement=False, source="",
                   field_prefix: str = "") -> MeterReading:
    """Add a reading to an asset the caller has already found and locked (inside its transaction)."""
    day = as_date(read_on, f"{field_prefix}read_on", required=True, not_future=True)
    number = as_int(value, f"{field_prefix}value", required=True)
    replacement = as_bool(is_meter_replacement)
    origin = as_text(source, f"{field_prefix}source", max_length=32)
    _check_order(asset, day, number, replacement, field=f"{field_prefix}value")
    reading = MeterReading.objects.create(asset=asset, read_on=day, value=number, is_meter_replacement=replacement,
                                          source=origin, recorded_by=user if user and user.pk else None)
    record_change(actor=user, instance=reading, action=AuditAction.CREATE, before=None, after=snapshot(reading))
    return reading


def meter_reading_add(*, user, asset_id: int, read_on, value, is_meter_replacement: bool = False,
                      source: str = "") -> MeterReading:
    with transaction.atomic():
        asset = locked_asset(user, "assets.add_meterreading", asset_id)  # serialises readings of one asset
        return reading_insert(user=user, asset=asset, read_on=read_on, value=value,
                              is_meter_replacement=is_meter_replacement, source=source)


def meter_reading_delete(*, user, pk: int) -> None:
    """Remove a reading, unless the readings left around it would then go down."""
    with transaction.atomic():
        reading = MeterReading.objects.restrict(user, "delete").filter(pk=pk).first()
        if reading is None:
            raise NotFoundError()
        asset = Asset.objects.select_for_update().get(pk=reading.asset_id)
        rest = asset.readings.exclude(pk=reading.pk)
        day = reading.read_on
        before = rest.filter(Q(read_on__lt=day) | Q(read_on=day, id__lt=reading.id)).order_by("-read_on", "-id").first()
        after = rest.filter(Q(read_on__gt=day) | Q(read_on=day, id__gt=reading.id)).order_by("read_on", "id").first()
        if before is not None and after is not None and not after.is_meter_replacement and after.value < before.value:
            raise validation_error(_("Without this reading the meter would go down."), {"__all__": [
                _("Delete the later, lower readings first, or keep this meter replacement.")]})
        record_change(actor=user, instance=reading, action=AuditAction.DELETE, before=snapshot(reading), after=None)
        reading.delete()
