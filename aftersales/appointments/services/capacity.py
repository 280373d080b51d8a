"""Capacity of a service point: the plan (slot length, bays, technician hours, opening hours),
holidays and closed days, per-date overrides; and the loaders that turn them into day plans."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.access import scope_for
from aftersales.accounts.models import ServicePoint
from aftersales.core.audit import record_change, snapshot
from aftersales.core.errors import NotFoundError, PermissionDeniedError
from aftersales.core.inputs import as_date, as_decimal, as_id, as_int, as_text, invalid, is_row_id
from aftersales.core.models import AuditAction

from .. import capacity as cap
from ..models import CapacityOverride, CapacityPlan, Holiday


def point_for(user, point_id, permission: str, field: str = "service_point_id") -> ServicePoint:
    """An active point where the user holds ``permission``; any other answers as unknown (422)."""
    pk = as_id(point_id, field)
    point = ServicePoint.objects.filter(pk=pk, is_active=True).first()
    if point is None or not scope_for(user, permission).covers(point.pk):
        raise invalid(field, _("Unknown service point, or not one where you may do this."))
    return point


def default_plan(point: ServicePoint) -> CapacityPlan:
    """The plan a point has before a manager sets one: 60-minute slots, its bays and technicians."""
    return CapacityPlan(service_point=point, slot_minutes=60, bays=point.bays,
                        technician_hours=Decimal(point.technician_count), opening_hours={})


def plan_of(point: ServicePoint) -> CapacityPlan:
    plan = CapacityPlan.objects.filter(service_point=point).first()
    return plan if plan is not None else default_plan(point)


def week_of(plan: CapacityPlan) -> dict[int, list]:
    """The plan's opening hours, else the point's; unreadable stored hours count as closed."""
    source = plan.opening_hours or plan.service_point.opening_hours or {}
    try:
        return cap.parse_week(source)
    except cap.CapacityInputError:
        return {}


def locked_plan(point: ServicePoint) -> CapacityPlan:
    """The point's plan row, created from the defaults if needed, locked until commit: every booking
    at the point passes here, so two bookings of the last bay are serialised."""
    plan = CapacityPlan.objects.select_for_update().filter(service_point=point).first()
    if plan is None:
        try:
            with transaction.atomic():
                plan = default_plan(point)
                plan.save()
        except IntegrityError:  # created meanwhile by a concurrent booking
            pass
        plan = CapacityPlan.objects.select_for_update().get(service_point=point)
    plan.service_point = point
    return plan


def day_plans(plan: CapacityPlan, first: dt.date, last: dt.date) -> dict[dt.date, cap.DayPlan]:
    """Every date from ``first`` to ``last`` (inclusive) at the plan's point, in two queries."""
    point_id = plan.service_point_id
    holidays: dict[dt.date, str] = {}
    rows = Holiday.objects.filter(Q(service_point_id=point_id) | Q(service_point__isnull=True),
                                  date__range=(first, last)).values_list("date", "name", "service_point_id")
    for date, name, own in rows:
        if own or date not in holidays:
            holidays[date] = name
    overrides = {}
    for row in CapacityOverride.objects.filter(service_point_id=point_id, date__range=(first, last)):
        try:
            ranges = cap.parse_ranges(row.opening_hours)
        except cap.CapacityInputError:
            ranges = []
        overrides[row.date] = {"ranges": ranges, "bays": row.bays, "technician_hours": row.technician_hours,
                               "note": row.note}
    week = week_of(plan)
    days = {}
    date = first
    while date <= last:
        days[date] = cap.day_plan(date=date, slot_minutes=plan.slot_minutes, bays=plan.bays,
                                  technician_hours=plan.technician_hours, week=week,
                                  holiday_name=holidays.get(date, ""), override=overrides.get(date))
        date += dt.timedelta(days=1)
    return days


# ---- writes ---------------------------------------------------------------------------------------

def _week_input(value: Any, field: str = "opening_hours") -> dict:
    try:
        return cap.week_as_json(cap.parse_week(value, field))
    except cap.CapacityInputError as exc:
        raise invalid(exc.field, exc.reason) from exc


def _ranges_input(value: Any, field: str = "opening_hours") -> list:
    try:
        ranges = cap.parse_ranges(value, field)
    except cap.CapacityInputError as exc:
        raise invalid(exc.field, exc.reason) from exc
    return [[s.strftime("%H:%M"), e.strftime("%H:%M")] for s, e in ranges]


def _hours(value: Any, field: str) -> Decimal:
    return as_decimal(value, field, required=True, minimum=0, maximum=Decimal("999"), places=2)


def capacity_plan_set(*, user, service_point_id, data: dict[str, Any]) -> CapacityPlan:
    """Create or change a point's plan (fields not given keep their value or the point's default)."""
    with transaction.atomic():
        point = point_for(user, service_point_id, "appointments.change_capacityplan")
        plan = locked_plan(point)
        before = snapshot(plan)
        if "slot_minutes" in data and data["slot_minutes"] is not None:
            minutes = as_int(data["slot_minutes"], "slot_minutes", minimum=1, maximum=240)
            if minutes not in cap.SLOT_LENGTHS:
                raise invalid("slot_minutes", _("Choose one of: %(values)s minutes.") % {
                    "values": ", ".join(str(n) for n in cap.SLOT_LENGTHS)})
            plan.slot_minutes = minutes
        if "bays" in data and data["bays"] is not None:
            plan.bays = as_int(data["bays"], "bays", minimum=0, maximum=500)
        if "technician_hours" in data and data["technician_hours"] is not None:
            plan.technician_hours = _hours(data["technician_hours"], "technician_hours")
        if "opening_hours" in data:
            plan.opening_hours = _week_input(data["opening_hours"]) if data["opening_hours"] else {}
        plan.save()
        record_change(actor=user, instance=plan, action=AuditAction.UPDATE, before=before, after=snapshot(plan))
        return plan


def _holiday_point(user, value, permission: str) -> ServicePoint | None:
    """None (company-wide) needs the permission everywhere; a point needs it there."""
    if value in (None, ""):
        if not scope_for(user, permission).everything:
            raise invalid("service_point_id", _("Only head office may set company-wide holidays."))
        return None
    return point_for(user, value, permission)


def _locked_holiday(user, pk, permission: str) -> Holiday:
    if not is_row_id(pk):
        raise NotFoundError()
    holiday = Holiday.objects.select_for_update().filter(pk=pk).first()
    if holiday is None or not (holiday.service_point_id is None
                               or scope_for(user, "appointments.view_holiday").covers(holiday.service_point_id)):
        raise NotFoundError()
    scope = scope_for(user, permission)
    if not (scope.everything if holiday.service_point_id is None else scope.covers(holiday.service_point_id)):
        raise PermissionDeniedError()
    return holiday


def _holiday_save(holiday: Holiday) -> None:
    try:
        with transaction.atomic():
            holiday.save()
    except IntegrityError as exc:
        raise invalid("date", _("There is already a holiday on this date.")) from exc


def holiday_create(*, user, data: dict[str, Any]) -> Holiday:
    with transaction.atomic():
        point = _holiday_point(user, data.get("service_point_id"), "appointments.add_holiday")
        holiday = Holiday(service_point=point, date=as_date(data.get("date"), "date", required=True),
                          name=as_text(data.get("name"), "name", max_length=100, required=True))
        _holiday_save(holiday)
        record_change(actor=user, instance=holiday, action=AuditAction.CREATE, before=None, after=snapshot(holiday))
        return holiday


def holiday_update(*, user, pk: int, data: dict[str, Any]) -> Holiday:
    with transaction.atomic():
        holiday = _locked_holiday(user, pk, "appointments.change_holiday")
        before = snapshot(holiday)
        if "date" in data:
            holiday.date = as_date(data["date"], "date", required=True)
        if "name" in data:
            holiday.name = as_text(data["name"], "name", max_length=100, required=True)
        _holiday_save(holiday)
        record_change(actor=user, instance=holiday, action=AuditAction.UPDATE, before=before, after=snapshot(holiday))
        return holiday


def holiday_delete(*, user, pk: int) -> None:
    with transaction.atomic():
        holiday = _locked_holiday(user, pk, "appointments.delete_holiday")
        record_change(actor=user, instance=holiday, action=AuditAction.DELETE, before=snapshot(holiday), after=None)
        holiday.delete()


def _locked_override(user, pk, permission: str) -> CapacityOverride:
    if not is_row_id(pk):
        raise NotFoundError()
    row = CapacityOverride.objects.select_for_update().filter(pk=pk).first()
    if row is None or not scope_for(user, "appointments.view_capacityoverride").covers(row.service_point_id):
        raise NotFoundError()
    if not scope_for(user, permission).covers(row.service_point_id):
        raise PermissionDeniedError()
    return row


def _override_apply(row: CapacityOverride, data: dict[str, Any]) -> None:
    if "date" in data:
        row.date = as_date(data["date"], "date", required=True)
    if "opening_hours" in data:
        row.opening_hours = _ranges_input(data["opening_hours"] or [])
    if "bays" in data:
        row.bays = as_int(data["bays"], "bays", minimum=0, maximum=500)
    if "technician_hours" in data:
        row.technician_hours = (None if data["technician_hours"] in (None, "")
                                else _hours(data["technician_hours"], "technician_hours"))
    if "note" in data:
        row.note = as_text(data["note"], "note", max_length=200)


def _override_save(row: CapacityOverride) -> None:
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError as exc:
        raise invalid("date", _("This date already has an override.")) from exc


def capacity_override_create(*, user, data: dict[str, Any]) -> CapacityOverride:
    with transaction.atomic():
        point = point_for(user, data.get("service_point_id"), "appointments.add_capacityoverride")
        row = CapacityOverride(service_point=point)
        _override_apply(row, {"date": data.get("date"), **data})
        _override_save(row)
        record_change(actor=user, instance=row, action=AuditAction.CREATE, before=None, after=snapshot(row))
        return row


def capacity_override_update(*, user, pk: int, data: dict[str, Any]) -> CapacityOverride:
    with transaction.atomic():
        row = _locked_override(user, pk, "appointments.change_capacityoverride")
        before = snapshot(row)
        _override_apply(row, data)
        _override_save(row)
        record_change(actor=user, instance=row, action=AuditAction.UPDATE, before=before, after=snapshot(row))
        return row


def capacity_override_delete(*, user, pk: int) -> None:
    with transaction.atomic():
        row = _locked_override(user, pk, "appointments.delete_capacityoverride")
        record_change(actor=user, instance=row, action=AuditAction.DELETE, before=snapshot(row), after=None)
        row.delete()


def local_day_bounds(date: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_default_timezone()
    start = dt.datetime.combine(date, dt.time(0), tzinfo=tz)
    return start, start + dt.timedelta(days=1)
