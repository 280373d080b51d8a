"""Reads of appointments and capacity: always through ``restrict``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncHour
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.access import scope_for
from aftersales.accounts.models import ServicePoint
from aftersales.core.errors import NotFoundError
from aftersales.core.inputs import as_date, as_id, as_int, invalid, is_row_id
from aftersales.core.tokens import token_hash

from . import capacity as cap
from . import forecast as fc
from .choices import AppointmentChannel, AppointmentStatus
from .models import Appointment, AppointmentEvent, CapacityOverride, CapacityPlan, Holiday
from .services.capacity import day_plans, local_day_bounds, plan_of
from .states import OPEN_STATES

HISTORY_DAYS = 400
HORIZON = 14


def _pk(value) -> int:
    if not is_row_id(value):
        raise NotFoundError()
    return value


def appointment_list(*, user, service_point_id=None, status: str = "", date_from=None, date_to=None,
                     customer_id=None, advisor_id=None, service_type: str = "", q: str = "") -> QuerySet[Appointment]:
    qs = Appointment.objects.restrict(user, "view").select_related("service_point", "customer", "asset", "advisor")
    if service_point_id:
        qs = qs.filter(service_point_id=service_point_id)
    if status in AppointmentStatus.values:
        qs = qs.filter(status=status)
    if service_type:
        qs = qs.filter(service_type=service_type)
    if customer_id:
        qs = qs.filter(customer_id=customer_id)
    if advisor_id:
        qs = qs.filter(advisor_id=advisor_id)
    if date_from:
        qs = qs.filter(starts_at__gte=local_day_bounds(date_from)[0])
    if date_to:
        qs = qs.filter(starts_at__lt=local_day_bounds(date_to)[1])
    q = (q or "").replace("\x00", "").strip()
    if q:
        qs = qs.filter(Q(number=q.upper()) | Q(asset__plate=q.upper().replace(" ", "")) | Q(customer__name=q))
    return qs


def appointment_get(*, user, pk) -> Appointment:
    appointment = (Appointment.objects.restrict(user, "view")
                   .select_related("service_point", "customer", "asset", "advisor", "overbook_approved_by",
                                   "created_by").filter(pk=_pk(pk)).first())
    if appointment is None:
        raise NotFoundError()
    return appointment


def appointment_events(appointment: Appointment) -> QuerySet[AppointmentEvent]:
    return appointment.events.select_related("actor").order_by("at", "id")


def appointment_by_invite_token(raw: str) -> Appointment:
    """The appointment behind a public invitation link (no login), or 404."""
    if not isinstance(raw, str) or not 16 <= len(raw) <= 100 or "\x00" in raw:
        raise NotFoundError()
    appointment = (Appointment.objects.select_related("service_point", "customer", "asset")
                   .filter(invite_token_hash=token_hash(raw)).first())
    if appointment is None:
        raise NotFoundError()
    return appointment


def visible_point(user, point_id, *, field: str = "service_point_id",
                  permission: str = "appointments.view_appointment") -> ServicePoint:
    pk = as_id(point_id, field)
    point = ServicePoint.objects.filter(pk=pk, is_active=True).first()
    if point is None or not scope_for(user, permission).covers(point.pk):
        raise invalid(field, _("Unknown service point, or not one where you may do this."))
    return point


def points_for(user, permission: str = "appointments.view_appointment") -> QuerySet[ServicePoint]:
    """The active points where the user holds ``permission`` (for pickers)."""
    scope = scope_for(user, permission)
    qs = ServicePoint.objects.filter(is_active=True).order_by("path")
    return qs if scope.everything else qs.filter(pk__in=scope.point_ids)


@dataclass
class Board:
    point: ServicePoint
    plan: CapacityPlan
    day: cap.DayPlan
    slots: list[cap.Slot]
    unslotted: list[Appointment]  # open bookings outside today's slots (hours changed since)


def day_board(*, user, service_point_id, date) -> Board:
    """Slots × bays/technician hours of one day at one point, with the bookings in each."""
    point = visible_point(user, service_point_id)
    day_value = as_date(date, "date", required=True)
    plan = plan_of(point)
    plan.service_point = point
    day = day_plans(plan, day_value, day_value)[day_value]
    slots = cap.day_slots(day, timezone.get_default_timezone())
    start, end = local_day_bounds(day_value)
    bookings = list(Appointment.objects.filter(service_point=point, status__in=OPEN_STATES, starts_at__lt=end,
                                               ends_at__gt=start)
                    .select_related("customer", "asset", "advisor").order_by("starts_at", "id"))
    cap.add_usage(slots, bookings)
    counted = {b.pk for s in slots for b in s.bookings}
    return Board(point, plan, day, slots, [b for b in bookings if b.pk not in counted])


def arrivals_history(point_id: int, first: dt.date, last: dt.date) -> tuple[dict, float]:
    """({date: {hour: arrivals}}, walk-in share) at the point from ``first`` to ``last``: work orders
    opened (grouped in SQL by local hour) plus arrived appointments without a work order. Walk-ins are
    work orders opened without an appointment and appointments booked on the walk-in channel."""
    from aftersales.workshop.models import WorkOrder

    tz = timezone.get_default_timezone()
    start, end = local_day_bounds(first)[0], local_day_bounds(last)[1]
    history: dict[dt.date, dict[int, float]] = {}
    walk_ins = total = 0

    def add(rows):
        nonlocal walk_ins, total
        for row in rows:
            local = timezone.localtime(row["hour"], tz) if timezone.is_aware(row["hour"]) else row["hour"]
            hours = history.setdefault(local.date(), {})
            hours[local.hour] = hours.get(local.hour, 0) + row["n"]
            total += row["n"]
            walk_ins += row["walk_in"]

    orders = (WorkOrder.objects.filter(service_point_id=point_id, opened_at__gte=start, opened_at__lt=end)
              .annotate(hour=TruncHour("opened_at", tzinfo=tz)).values("hour")
              .annotate(n=Count("id"), walk_in=Count("id", filter=Q(appointment__isnull=True))).order_by())
    add(orders)
    arrived = (Appointment.objects.filter(service_point_id=point_id, status=AppointmentStatus.ARRIVED,
                                          arrived_at__gte=start, arrived_at__lt=end, work_order__isnull=True)
               .annotate(hour=TruncHour("arrived_at", tzinfo=tz)).values("hour")
               .annotate(n=Count("id"), walk_in=Count("id", filter=Q(channel=AppointmentChannel.WALK_IN))).order_by())
    add(arrived)
    return history, (walk_ins / total if total else 1.0)


def recommendations(*, user, service_point_id, duration_minutes, from_date=None, count: int = 3) -> dict:
    """The three lowest-load starts in the next 14 days from ``from_date`` (default today)."""
    point = visible_point(user, service_point_id)
    minutes = as_int(duration_minutes, "duration_minutes", required=True, minimum=5, maximum=12 * 60)
    today = timezone.localdate()
    first = as_date(from_date, "from_date") or today
    if first < today:
        first = today
    if first > today + dt.timedelta(days=366):
        raise invalid("from_date", _("Choose a date within the next year."))
    last = first + dt.timedelta(days=HORIZON - 1)
    plan = plan_of(point)
    plan.service_point = point
    plans = day_plans(plan, first - dt.timedelta(days=HISTORY_DAYS), last)
    tz = timezone.get_default_timezone()
    days = {d: cap.day_slots(plans[d], tz) for d in plans if d >= first}
    start, end = local_day_bounds(first)[0], local_day_bounds(last)[1]
    bookings = list(Appointment.objects.filter(service_point=point, status__in=OPEN_STATES, starts_at__lt=end,
                                               ends_at__gt=start).only("starts_at", "ends_at"))
    for day, slots in days.items():
        day_start, day_end = local_day_bounds(day)
        cap.add_usage(slots, [b for b in bookings if b.starts_at < day_end and b.ends_at > day_start])
    history, share = arrivals_history(point.pk, first - dt.timedelta(days=HISTORY_DAYS), today - dt.timedelta(days=1))
    history = {d: v for d, v in history.items() if d < first}
    open_hours = sorted({s.start.hour for slots in days.values() for s in slots}) or list(range(8, 18))

    def is_open(day):
        plan_day = plans.get(day)
        return plan_day.is_open if plan_day is not None else day.isoweekday() != 7

    hourly = fc.forecast(history, first, is_open, horizon=HORIZON, open_hours=open_hours)
    found = fc.recommend(days, hourly, minutes=minutes, now=timezone.now(), walk_in_share=share, count=count)
    return {"service_point": point, "duration_minutes": minutes, "from_date": first, "walk_in_share": share,
            "items": found}


def holiday_list(*, user, service_point_id=None, year=None) -> QuerySet[Holiday]:
    qs = Holiday.objects.restrict(user, "view").select_related("service_point")
    if service_point_id:
        qs = qs.filter(Q(service_point_id=service_point_id) | Q(service_point__isnull=True))
    if year:
        qs = qs.filter(date__year=year)
    return qs.order_by("date", "id")


def holiday_get(*, user, pk) -> Holiday:
    holiday = Holiday.objects.restrict(user, "view").select_related("service_point").filter(pk=_pk(pk)).first()
    if holiday is None:
        raise NotFoundError()
    return holiday


def override_list(*, user, service_point_id=None, date_from=None) -> QuerySet[CapacityOverride]:
    qs = CapacityOverride.objects.restrict(user, "view").select_related("service_point")
    if service_point_id:
        qs = qs.filter(service_point_id=service_point_id)
    if date_from:
        qs = qs.filter(date__gte=date_from)
    return qs.order_by("date", "id")


def override_get(*, user, pk) -> CapacityOverride:
    row = CapacityOverride.objects.restrict(user, "view").select_related("service_point").filter(pk=_pk(pk)).first()
    if row is None:
        raise NotFoundError()
    return row


def capacity_plan_get(*, user, service_point_id) -> CapacityPlan:
    point = visible_point(user, service_point_id, permission="appointments.view_capacityplan")
    plan = plan_of(point)
    plan.service_point = point
    return plan
