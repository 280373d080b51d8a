"""Capacity arithmetic: pure functions over plain data (no database).

A day at a point is cut into slots of ``slot_minutes`` from the start of each opening range (a slot
that would run past the range's end is dropped). Each slot has ``bays`` bays and ``tech_minutes``
technician minutes. An appointment uses one bay in every slot it overlaps and, in each slot, as many
technician minutes as its span overlaps that slot (a 90-minute job in 60-minute slots: 60 + 30).
A booking must start on a slot boundary and fit inside one opening range of its day.

What a date looks like, most specific first: the point's override for the date (hours, bays, hours
of technicians; empty hours = closed), a holiday of the point or of the company (closed), else the
plan's weekly opening hours (weekday 1 = Monday … 7 = Sunday).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

SLOT_LENGTHS = (15, 20, 30, 45, 60, 90, 120)


class CapacityInputError(ValueError):
    """Opening hours that cannot be read; ``field`` names where."""

    def __init__(self, field: str, reason: str):
        super().__init__(reason)
        self.field = field
        self.reason = reason


def parse_time(text, field: str) -> dt.time:
    if not isinstance(text, str) or len(text) != 5 or text[2] != ":":
        raise CapacityInputError(field, _("Write times as HH:MM, for example 08:30."))
    try:
        hour, minute = int(text[:2]), int(text[3:])
    except ValueError as exc:
        raise CapacityInputError(field, _("Write times as HH:MM, for example 08:30.")) from exc
    if not (0 <= hour < 24 and 0 <= minute < 60):
        raise CapacityInputError(field, _("Write times as HH:MM, for example 08:30."))
    return dt.time(hour, minute)


def parse_ranges(value, field: str = "opening_hours") -> list[tuple[dt.time, dt.time]]:
    """[["08:30", "12:00"], ["13:30", "17:30"]] → sorted, non-overlapping (start, end) pairs."""
    if value in (None, ""):
        return []
    if not isinstance(value, list | tuple):
        raise CapacityInputError(field, _('Give a list of ranges such as [["08:30", "17:30"]].'))
    ranges = []
    for item in value:
        if not isinstance(item, list | tuple) or len(item) != 2:
            raise CapacityInputError(field, _('Give a list of ranges such as [["08:30", "17:30"]].'))
        start, end = parse_time(item[0], field), parse_time(item[1], field)
        if end <= start:
            raise CapacityInputError(field, _("A range must end after it starts (%(start)s–%(end)s).") % {
                "start": item[0], "end": item[1]})
        ranges.append((start, end))
    ranges.sort()
    for (_s1, e1), (s2, _e2) in zip(ranges, ranges[1:], strict=False):
        if s2 < e1:
            raise CapacityInputError(field, _("Opening ranges overlap."))
    return ranges


def parse_week(value, field: str = "opening_hours") -> dict[int, list[tuple[dt.time, dt.time]]]:
    """{"1": [["08:30", "17:30"]], …, "7": []} → {1: [(08:30, 17:30)], …}; missing days are closed."""
    if value in (None, ""):
        return {}
    if not isinstance(value, Mapping):
        raise CapacityInputError(field, _('Give opening hours per weekday 1-7, for example {"1": [["08:30", "17:30"]]}.'))
    week: dict[int, list] = {}
    for key, ranges in value.items():
        try:
            day = int(key)
        except (TypeError, ValueError) as exc:
            raise CapacityInputError(field, _("Weekdays are numbered 1 (Monday) to 7 (Sunday).")) from exc
        if not 1 <= day <= 7:
            raise CapacityInputError(field, _("Weekdays are numbered 1 (Monday) to 7 (Sunday)."))
        week[day] = parse_ranges(ranges, field)
    return week


def week_as_json(week: Mapping[int, list[tuple[dt.time, dt.time]]]) -> dict[str, list[list[str]]]:
    return {str(day): [[s.strftime("%H:%M"), e.strftime("%H:%M")] for s, e in week.get(day, [])]
            for day in range(1, 8) if week.get(day)}


@dataclass(frozen=True)
class DayPlan:
    date: dt.date
    slot_minutes: int
    bays: int
    tech_minutes: int
    ranges: tuple[tuple[dt.time, dt.time], ...]
    closed_reason: str = ""

    @property
    def is_open(self) -> bool:
        return bool(self.ranges) and not self.closed_reason


def day_plan(*, date: dt.date, slot_minutes: int, bays: int, technician_hours: Decimal | float,
             week: Mapping[int, list], holiday_name: str = "", override: Mapping | None = None) -> DayPlan:
    """The plan of one date. ``override``: {"ranges": [...], "bays": int|None, "technician_hours": …|None}."""
    tech = Decimal(str(technician_hours))
    if override is not None:
        ranges = tuple(override.get("ranges") or ())
        bays = override["bays"] if override.get("bays") is not None else bays
        if override.get("technician_hours") is not None:
            tech = Decimal(str(override["technician_hours"]))
        reason = "" if ranges else (override.get("note") or _("Closed"))
        return DayPlan(date, slot_minutes, bays, int(tech * 60), ranges, reason)
    if holiday_name:
        return DayPlan(date, slot_minutes, bays, int(tech * 60), (), holiday_name)
    ranges = tuple(week.get(date.isoweekday(), ()))
    return DayPlan(date, slot_minutes, bays, int(tech * 60), ranges, "" if ranges else _("Closed"))


@dataclass
class Slot:
    start: dt.datetime
    end: dt.datetime
    bays: int
    tech_minutes: int
    range_index: int
    bays_used: int = 0
    tech_used: int = 0
    bookings: list = field(default_factory=list)

    @property
    def bays_left(self) -> int:
        return self.bays - self.bays_used

    @property
    def tech_left(self) -> int:
        return self.tech_minutes - self.tech_used

    @property
    def is_full(self) -> bool:
        return self.bays_left <= 0 or self.tech_left <= 0


def day_slots(plan: DayPlan, tz) -> list[Slot]:
    """The slots of an open day as aware datetimes in ``tz``."""
    if not plan.is_open:
        return []
    step = dt.timedelta(minutes=plan.slot_minutes)
    slots = []
    for index, (start, end) in enumerate(plan.ranges):
        cursor = dt.datetime.combine(plan.date, start, tzinfo=tz)
        close = dt.datetime.combine(plan.date, end, tzinfo=tz)
        while cursor + step <= close:
            slots.append(Slot(cursor, cursor + step, plan.bays, plan.tech_minutes, index))
            cursor += step
    return slots


def overlap_minutes(a_start: dt.datetime, a_end: dt.datetime, b_start: dt.datetime, b_end: dt.datetime) -> int:
    seconds = (min(a_end, b_end) - max(a_start, b_start)).total_seconds()
    return max(int(seconds // 60), 0)


def add_usage(slots: list[Slot], bookings: Iterable) -> None:
    """Count each booking (anything with ``starts_at``/``ends_at``) into the slots it overlaps."""
    for booking in bookings:
        for slot in slots:
            minutes = overlap_minutes(slot.start, slot.end, booking.starts_at, booking.ends_at)
            if minutes > 0:
                slot.bays_used += 1
                slot.tech_used += minutes
                slot.bookings.append(booking)


def span(slots: list[Slot], start: dt.datetime, minutes: int) -> tuple[list[Slot], str]:
    """The slots a booking of ``minutes`` from ``start`` would use, or ([], the reason it cannot)."""
    first = next((i for i, s in enumerate(slots) if s.start == start), None)
    if first is None:
        if any(s.start < start < s.end for s in slots):
            return [], _("Start at the beginning of a slot (every %(n)d minutes).") % {
                "n": int((slots[0].end - slots[0].start).total_seconds() // 60)}
        return [], _("The service point is not open then.")
    end = start + dt.timedelta(minutes=minutes)
    used = []
    for slot in slots[first:]:
        if slot.start >= end:
            break
        if slot.range_index != slots[first].range_index:
            return [], _("The job would run past closing time (%(time)s).") % {
                "time": used[-1].end.strftime("%H:%M")}
        used.append(slot)
    if used[-1].end < end:
        return [], _("The job would run past closing time (%(time)s).") % {"time": used[-1].end.strftime("%H:%M")}
    return used, ""


def shortfall(used: list[Slot], start: dt.datetime, minutes: int) -> Slot | None:
    """The first slot that cannot take one more booking of this span (no bay or too few technician
    minutes left), or None when it fits."""
    end = start + dt.timedelta(minutes=minutes)
    for slot in used:
        need = overlap_minutes(slot.start, slot.end, start, end)
        if slot.bays_left < 1 or slot.tech_left < need:
            return slot
    return None
