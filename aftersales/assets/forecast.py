"""Predictions from meter readings: average daily use and when the next maintenance falls due.

Pure functions over plain values, so they are easy to test; ``selectors.asset_forecast`` feeds them
from the database.

* Average daily use is the least-squares slope of reading against date over the last twelve months
  of readings. A meter replacement starts a new segment: every segment gets its own intercept and
  all share one slope, so the jump to the new meter's low value does not pull the slope down.
* The next maintenance is due at the earlier of (time) the last service + the interval in months,
  and (distance) the day the distance driven since the last service reaches the interval, at the
  average daily use. Without a service yet, the first-service interval runs from the sale date.
  The last service is approximated by the latest reading whose source is "service".
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

WINDOW_DAYS = 365
SERVICE_SOURCE = "service"


@dataclass(frozen=True)
class Reading:
    read_on: dt.date
    value: int
    is_meter_replacement: bool = False
    source: str = ""


@dataclass(frozen=True)
class Interval:
    months: int
    distance: int
    first_months: int | None = None
    first_distance: int | None = None


@dataclass(frozen=True)
class Forecast:
    average_daily: float | None          # distance (or hours) per day; None without enough readings
    last_reading: Reading | None
    base_date: dt.date | None            # last service, or the sale date (or the first reading)
    base_is_service: bool
    interval_months: int | None
    interval_distance: int | None
    distance_since_base: int | None
    due_by_time: dt.date | None
    due_by_distance: dt.date | None
    due_date: dt.date | None
    due_reason: str                      # "time", "distance" or ""
    due_reading: int | None              # meter value on the current meter at which it falls due
    remaining_distance: int | None


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, or the month's last day when it is shorter (31 Jan + 1 → 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _sorted(readings: Iterable[Reading]) -> list[Reading]:
    # Stable: readings of the same day keep the order they were given in (the order they were taken).
    return sorted(readings, key=lambda r: r.read_on)


def _segments(readings: Sequence[Reading]) -> list[list[Reading]]:
    segments: list[list[Reading]] = []
    for reading in readings:
        if not segments or reading.is_meter_replacement:
            segments.append([])
        segments[-1].append(reading)
    return segments


def average_daily_use(readings: Iterable[Reading], *, origin: Reading | None = None,
                      window_days: int = WINDOW_DAYS) -> float | None:
    """Least-squares distance per day over the readings of the last ``window_days`` before the latest one.

    ``origin`` (typically the sale date at 0 km) counts as a reading of the first meter when it falls
    inside the window and no meter replacement came before the first reading.
    """
    ordered = _sorted(readings)
    if not ordered:
        return None
    if origin is not None and not ordered[0].is_meter_replacement and origin.read_on <= ordered[0].read_on:
        ordered = [origin, *ordered]
    start = ordered[-1].read_on - dt.timedelta(days=window_days)
    sxx = sxy = 0.0
    for segment in _segments(ordered):
        points = [(r.read_on.toordinal(), r.value) for r in segment if r.read_on >= start]
        if len(points) < 2:
            continue
        mean_t = sum(t for t, _v in points) / len(points)
        mean_v = sum(v for _t, v in points) / len(points)
        sxx += sum((t - mean_t) ** 2 for t, _v in points)
        sxy += sum((t - mean_t) * (v - mean_v) for t, v in points)
    if sxx == 0:
        return None
    return max(sxy / sxx, 0.0)


def distance_since(readings: Sequence[Reading], *, start_value: int) -> int:
    """Distance driven over ``readings`` (sorted), starting from ``start_value`` on the first meter.

    The distance between the old meter's last reading and a replacement is unknown and counts as 0.
    """
    total, previous = 0, start_value
    for reading in readings:
        if not reading.is_meter_replacement:
            total += max(reading.value - previous, 0)
        previous = reading.value
    return total


def pick_interval(candidates: Iterable[tuple[str, str, Interval]], *, brand: str, model: str) -> Interval | None:
    """The model's own interval, else the brand's default (model empty); names compare case-insensitively."""
    brand_key, model_key = brand.strip().casefold(), model.strip().casefold()
    default = None
    for cand_brand, cand_model, interval in candidates:
        if cand_brand.strip().casefold() != brand_key:
            continue
        if cand_model.strip() and cand_model.strip().casefold() == model_key:
            return interval
        if not cand_model.strip():
            default = interval
    return default


def next_maintenance(readings: Iterable[Reading], interval: Interval | None, *,
                     sale_date: dt.date | None) -> Forecast:
    ordered = _sorted(readings)
    last = ordered[-1] if ordered else None
    services = [i for i, r in enumerate(ordered) if r.source.strip().casefold() == SERVICE_SOURCE]
    origin = Reading(sale_date, 0) if sale_date else None
    average = average_daily_use(ordered, origin=origin)
    if services:
        index = services[-1]
        base_date, base_is_service = ordered[index].read_on, True
        travelled = distance_since(ordered[index + 1:], start_value=ordered[index].value)
    elif sale_date is not None:
        base_date, base_is_service = sale_date, False
        travelled = distance_since([r for r in ordered if r.read_on >= sale_date], start_value=0)
    elif ordered:
        base_date, base_is_service = ordered[0].read_on, False
        travelled = distance_since(ordered[1:], start_value=ordered[0].value)
    else:
        base_date, base_is_service, travelled = None, False, None
    if interval is None or base_date is None:
        return Forecast(average, last, base_date, base_is_service, None, None, travelled, None, None, None, "",
                        None, None)

    months, distance = interval.months, interval.distance
    if not base_is_service:
        months = interval.first_months or months
        distance = interval.first_distance or distance
    due_by_time = add_months(base_date, months) if months else None
    remaining = distance - travelled if distance else None
    due_by_distance = None
    if remaining is not None and last is not None:
        if average:
            due_by_distance = last.read_on + dt.timedelta(days=math.ceil(remaining / average))
        elif remaining <= 0:
            due_by_distance = last.read_on
    choices = [(d, reason) for d, reason in ((due_by_time, "time"), (due_by_distance, "distance")) if d]
    due_date, reason = min(choices) if choices else (None, "")
    due_reading = last.value + remaining if remaining is not None and last is not None else None
    return Forecast(average, last, base_date, base_is_service, months, distance, travelled, due_by_time,
                    due_by_distance, due_date, reason, due_reading, remaining)
