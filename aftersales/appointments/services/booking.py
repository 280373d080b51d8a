"""Booking, changing, rescheduling, confirming and cancelling appointments.

Every booking and reschedule locks the point's capacity plan row first, then counts the open
appointments of the day: two advisors booking the last bay of a slot at once are serialised and the
second one sees the slot full.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.access import scope_for, user_point_ids
from aftersales.accounts.models import User
from aftersales.assets.models import Asset
from aftersales.core.audit import record_change, snapshot
from aftersales.core.choices import ServiceType
from aftersales.core.errors import ApplicationError, ConflictError, PermissionDeniedError
from aftersales.core.inputs import as_bool, as_choice, as_datetime, as_id, as_int, as_money, as_text, invalid
from aftersales.core.models import AuditAction
from aftersales.core.sequences import next_number
from aftersales.customers.models import Customer

from .. import capacity as cap
from ..choices import AppointmentChannel, AppointmentStatus
from ..models import Appointment
from ..states import OPEN_STATES
from . import notify
from .capacity import day_plans, local_day_bounds, locked_plan, point_for
from .transitions import appointment_event, appointment_transition, locked_appointment

MAX_MINUTES = 12 * 60
OVERBOOK = "appointments.overbook_appointment"
EDITABLE = ("concerns", "service_type", "advisor_id", "estimated_price", "asset_id", "channel")


def _minutes(value) -> int:
    return as_int(value, "estimated_minutes", required=True, minimum=5, maximum=MAX_MINUTES)


def open_bookings(point_id: int, date: dt.date, *, exclude_pk: int | None = None):
    start, end = local_day_bounds(date)
    qs = Appointment.objects.filter(service_point_id=point_id, status__in=OPEN_STATES,
                                    starts_at__lt=end, ends_at__gt=start)
    return qs.exclude(pk=exclude_pk) if exclude_pk else qs


def check_slot(*, user, plan, starts_at: dt.datetime, minutes: int, overbook: bool,
               exclude_pk: int | None = None) -> bool:
    """Refuse a start outside opening hours, on a closed day or in the past (422 ``starts_at``); a
    full slot without the right to overbook (409 ``starts_at``). True when the booking overbooks."""
    point = plan.service_point
    local = timezone.localtime(starts_at)
    day = day_plans(plan, local.date(), local.date())[local.date()]
    if not day.is_open:
        raise invalid("starts_at", _("The service point is closed on %(date)s (%(reason)s).") % {
            "date": local.date().isoformat(), "reason": day.closed_reason})
    slots = cap.day_slots(day, timezone.get_default_timezone())
    used, reason = cap.span(slots, local, minutes)
    if reason:
        raise invalid("starts_at", reason)
    if used[0].end <= timezone.now():
        raise invalid("starts_at", _("This slot is in the past."))
    cap.add_usage(slots, open_bookings(point.pk, local.date(), exclude_pk=exclude_pk).only("starts_at", "ends_at"))
    full = cap.shortfall(used, local, minutes)
    if full is None:
        return False
    message = _("The slot %(date)s %(start)s–%(end)s is full: %(bays)d of %(total)d bays and %(hours)s technician "
                "hours left.") % {
        "date": local.date().isoformat(), "start": timezone.localtime(full.start).strftime("%H:%M"),
        "end": timezone.localtime(full.end).strftime("%H:%M"), "bays": max(full.bays_left, 0), "total": full.bays,
        "hours": f"{max(full.tech_left, 0) / 60:.1f}"}
    if not scope_for(user, OVERBOOK).covers(point.pk):
        if overbook:
            raise ApplicationError("overbook_not_allowed", message + " " + _("Only a manager may overbook."),
                                   {"overbook": [_("Only a manager may overbook.")], "starts_at": [message]},
                                   status=403)
        raise ConflictError("slot_full", message, {"starts_at": [message + " " + _("Ask a manager to overbook.")]})
    if not overbook:
        raise ConflictError("slot_full", message, {"starts_at": [message], "overbook": [
            _("Tick “overbook” to book beyond capacity.")]})
    return True


def _customer(user, value) -> Customer:
    pk = as_id(value, "customer_id")
    customer = Customer.objects.restrict(user, "view").filter(pk=pk).first()
    if customer is None:
        raise invalid("customer_id", _("Unknown customer."))
    if customer.merged_into_id:
        raise invalid("customer_id", _("This archive was merged into another one; choose that one."))
    return customer


def _asset(customer: Customer, value) -> Asset | None:
    if value in (None, ""):
        return None
    asset = Asset.objects.filter(pk=as_id(value, "asset_id")).first()
    if asset is None or asset.owner_id != customer.pk:
        raise invalid("asset_id", _("Choose a vehicle or product of this customer."))
    return asset


def _advisor(value, point, default):
    if value in (None, ""):
        return default if default is not None and point.pk in user_point_ids(default) else None
    advisor = User.objects.filter(pk=as_id(value, "advisor_id"), is_active=True).first()
    if advisor is None or point.pk not in user_point_ids(advisor):
        raise invalid("advisor_id", _("Choose a user with a role at this service point."))
    return advisor


def appointment_book(*, user, data: dict[str, Any]) -> Appointment:
    """Book a customer's asset into a slot (phone, walk-in or portal)."""
    with transaction.atomic():
        point = point_for(user, data.get("service_point_id"), "appointments.add_appointment")
        customer = _customer(user, data.get("customer_id"))
        asset = _asset(customer, data.get("asset_id"))
        service_type = as_choice(data.get("service_type"), "service_type", ServiceType)
        channel = as_choice(data.get("channel"), "channel", AppointmentChannel, default=AppointmentChannel.PHONE)
        concerns = as_text(data.get("concerns"), "concerns", max_length=5000)
        advisor = _advisor(data.get("advisor_id"), point, user)
        starts_at = as_datetime(data.get("starts_at"), "starts_at", required=True).replace(second=0, microsecond=0)
        minutes = _minutes(60 if data.get("estimated_minutes") in (None, "") else data["estimated_minutes"])
        price = as_money(data.get("estimated_price"), "estimated_price")
        overbook = as_bool(data.get("overbook") or False)
        plan = locked_plan(point)
        overbooked = check_slot(user=user, plan=plan, starts_at=starts_at, minutes=minutes, overbook=overbook)
        local = timezone.localtime(starts_at)
        number = next_number(f"appointment:{point.code}:{local.year}")
        appointment = Appointment.objects.create(
            number=f"YY{point.code}{local:%y}{number:05d}"[:32], service_point=point, customer=customer, asset=asset,
            service_type=service_type, channel=channel, concerns=concerns, advisor=advisor, starts_at=starts_at,
            ends_at=starts_at + dt.timedelta(minutes=minutes), estimated_minutes=minutes, estimated_price=price,
            overbooked=overbooked, overbook_approved_by=user if overbooked else None, created_by=user)
        record_change(actor=user, instance=appointment, action=AuditAction.CREATE, before=None,
                      after=snapshot(appointment))
        appointment_event(appointment=appointment, kind="booked", actor=user, to_status=appointment.status,
                          data={"overbooked": overbooked, "channel": channel})
        return appointment


def _open_for_change(user, pk, permission: str) -> Appointment:
    appointment = locked_appointment(user, pk)
    if not scope_for(user, permission).covers(appointment.service_point_id):
        raise PermissionDeniedError()
    if appointment.status not in OPEN_STATES:
        message = _("An appointment that is “%(state)s” can no longer be changed.") % {
            "state": appointment.get_status_display()}
        raise ConflictError("not_open", message, {"status": [message]})
    return appointment


def appointment_update(*, user, pk: int, data: dict[str, Any]) -> Appointment:
    """Change what is booked (not when: that is a reschedule)."""
    with transaction.atomic():
        appointment = _open_for_change(user, pk, "appointments.change_appointment")
        before = snapshot(appointment)
        if "concerns" in data:
            appointment.concerns = as_text(data["concerns"], "concerns", max_length=5000)
        if "service_type" in data:
            appointment.service_type = as_choice(data["service_type"], "service_type", ServiceType)
        if "channel" in data:
            appointment.channel = as_choice(data["channel"], "channel", AppointmentChannel)
        if "estimated_price" in data:
            appointment.estimated_price = as_money(data["estimated_price"], "estimated_price")
        if "advisor_id" in data:
            appointment.advisor = _advisor(data["advisor_id"], appointment.service_point, None)
        if "asset_id" in data:
            appointment.asset = _asset(appointment.customer, data["asset_id"])
        appointment.save()
        after = snapshot(appointment)
        if record_change(actor=user, instance=appointment, action=AuditAction.UPDATE, before=before, after=after):
            appointment_event(appointment=appointment, kind="changed", actor=user,
                              data={"fields": sorted(k for k in after if before.get(k) != after.get(k))})
        return appointment


def appointment_reschedule(*, user, pk: int, starts_at, estimated_minutes=None, overbook=False,
                           note: str = "") -> Appointment:
    """Move to another slot (capacity rechecked without this booking); counted, an event, and a new
    confirmation when it was confirmed. The day-before reminder is sent again for the new day."""
    with transaction.atomic():
        appointment = _open_for_change(user, pk, "appointments.confirm_appointment")
        new_start = as_datetime(starts_at, "starts_at", required=True).replace(second=0, microsecond=0)
        minutes = _minutes(estimated_minutes) if estimated_minutes not in (None, "") else appointment.estimated_minutes
        note = as_text(note, "note", max_length=500)
        plan = locked_plan(appointment.service_point)
        overbooked = check_slot(user=user, plan=plan, starts_at=new_start, minutes=minutes,
                                overbook=as_bool(overbook or False), exclude_pk=appointment.pk)
        old = {"starts_at": timezone.localtime(appointment.starts_at).isoformat(), "estimated_minutes": appointment.estimated_minutes}
        before = snapshot(appointment)
        appointment.starts_at = new_start
        appointment.ends_at = new_start + dt.timedelta(minutes=minutes)
        appointment.estimated_minutes = minutes
        appointment.reschedule_count += 1
        appointment.reminder_sent_at = None
        appointment.overbooked = overbooked
        appointment.overbook_approved_by = user if overbooked else None
        if appointment.status == AppointmentStatus.CONFIRMED:
            appointment.invite_token_hash = notify.send_confirmation(appointment=appointment, actor=user)
            appointment.confirmed_at = timezone.now()
        appointment.save()
        record_change(actor=user, instance=appointment, action=AuditAction.UPDATE, before=before,
                      after=snapshot(appointment), note="reschedule")
        appointment_event(appointment=appointment, kind="rescheduled", actor=user, from_status=appointment.status,
                          to_status=appointment.status, note=note,
                          data={"from": old, "to": {"starts_at": timezone.localtime(new_start).isoformat(), "estimated_minutes": minutes},
                                "overbooked": overbooked})
        return appointment


def appointment_confirm(*, user, pk: int, note: str = "") -> Appointment:
    """Booked → confirmed; the customer gets date, time, work, estimated price and duration and the
    link to the .ics invitation."""
    with transaction.atomic():
        note = as_text(note, "note", max_length=500)
        appointment = appointment_transition(user=user, appointment=pk, to=AppointmentStatus.CONFIRMED, note=note)
        appointment.invite_token_hash = notify.send_confirmation(appointment=appointment, actor=user)
        appointment.save(update_fields=["invite_token_hash", "updated_at"])
        return appointment


def appointment_cancel(*, user, pk: int, reason: str) -> Appointment:
    with transaction.atomic():
        reason = as_text(reason, "reason", max_length=255, required=True)
        appointment = appointment_transition(user=user, appointment=pk, to=AppointmentStatus.CANCELLED, note=reason)
        notify.send_cancellation(appointment=appointment, actor=user)
        return appointment


def appointment_no_show(*, user, pk: int, note: str = "") -> Appointment:
    """Mark by hand that the customer did not come (only once the appointment has started)."""
    with transaction.atomic():
        note = as_text(note, "note", max_length=500)
        appointment = locked_appointment(user, pk)
        if appointment.starts_at > timezone.now():
            message = _("The appointment has not started yet.")
            raise ConflictError("not_started", message, {"status": [message]})
        return appointment_transition(user=user, appointment=appointment, to=AppointmentStatus.NO_SHOW, note=note)
