"""Arrivals forecast per hour for the next days, and the slot recommendation built on it.

Pure functions over plain data (no database), so ``bench/appointments_forecast.py`` backtests the
same code that the booking form uses.

Input: ``history`` {date: {hour: arrivals}} for dates before ``origin`` (an open day missing from it
had no arrivals) and ``is_open(date)`` for past and future dates (holidays, closed weekdays).
Arrivals are work orders opened at the point plus arrived appointments without a work order.

The model, for a future open day ``t`` of weekday ``w`` and hour ``h``:

    arrivals(t, h) = level × weekday_index[w] × trend(t) × year_on_year(t) × hour_share[w][h]

- **level**: the mean of the last 28 days' daily arrivals, each divided by its weekday index
  (open days only): the recent level, free of the weekly pattern.
- **weekday_index[w]**: mean arrivals on weekday ``w`` over the last 8 weeks ÷ the mean of all open
  days, shrunk towards 1 when a weekday has few days (k = 2 days).
- **trend (month on month)**: with ≥ 56 days of history, g = level(last 28 days) ÷ level(the 28
  days before), clamped to [0.75, 1.33]; the level is centred 14 days before the origin, so a day
  ``d`` days ahead gets g ** (0.5 × (d + 14) / 28) (half the momentum: damped).
- **year on year**: when a year of history reaches the target, the deseasonalised level in the
  week around t − 364 days ÷ last year's level in the 28 days before origin − 364, shrunk halfway
  to 1 and clamped to [0.7, 1.3]: the annual movement between now and the target, seen last year.
- **hour_share[w][h]**: the share of weekday ``w``'s arrivals in hour ``h`` over the last 8
  weeks, shrunk towards the all-weekday profile by 20 arrivals' weight.

Fallback: with fewer than 14 open days of history the forecast is the mean arrivals per open
hour of what history there is (the same for every hour), or zero without history; the week
pattern is not estimated from less than two weeks.

The naive benchmark, ``naive_forecast``, repeats the same weekday of the latest open week.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

RECENT_DAYS = 28
PROFILE_DAYS = 56
MIN_DAYS = 14
WEEKDAY_SHRINK = 2.0
HOUR_SHRINK = 20.0

History = Mapping[dt.date, Mapping[int, float]]


def _total(history: History, day: dt.date) -> float:
    return float(sum(history.get(day, {}).values()))


def _open_days(origin: dt.date, days: int, is_open: Callable[[dt.date], bool], start_offset: int = 0) -> list[dt.date]:
    return [d for d in (origin - dt.timedelta(days=i) for i in range(1 + start_offset, days + 1 + start_offset))
            if is_open(d)]


def _weekday_index(history: History, days: list[dt.date]) -> dict[int, float]:
    if not days:
        return dict.fromkeys(range(1, 8), 1.0)
    overall = sum(_total(history, d) for d in days) / len(days)
    index = {}
    for w in range(1, 8):
        own = [_total(history, d) for d in days if d.isoweekday() == w]
        raw = (sum(own) / len(own) / overall) if own and overall > 0 else 1.0
        index[w] = (len(own) * raw + WEEKDAY_SHRINK) / (len(own) + WEEKDAY_SHRINK)
    return index


def _level(history: History, days: list[dt.date], index: Mapping[int, float]) -> float:
    values = [_total(history, d) / index[d.isoweekday()] for d in days if index[d.isoweekday()] > 0]
    return sum(values) / len(values) if values else 0.0


def _hour_shares(history: History, days: list[dt.date]) -> dict[int, dict[int, float]]:
    overall: dict[int, float] = {}
    per_weekday: dict[int, dict[int, float]] = {w: {} for w in range(1, 8)}
    for d in days:
        for hour, n in history.get(d, {}).items():
            overall[hour] = overall.get(hour, 0.0) + n
            per_weekday[d.isoweekday()][hour] = per_weekday[d.isoweekday()].get(hour, 0.0) + n
    total = sum(overall.values())
    base = {h: n / total for h, n in overall.items()} if total else {}
    shares = {}
    for w, counts in per_weekday.items():
        n_w = sum(counts.values())
        shares[w] = {h: (counts.get(h, 0.0) + HOUR_SHRINK * base[h]) / (n_w + HOUR_SHRINK) for h in base}
    return shares


def _clamp(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))


@dataclass(frozen=True)
class Model:
    level: float
    weekday_index: dict[int, float]
    growth: float  # month-on-month factor g (1: no trend)
    hour_share: dict[int, dict[int, float]]
    fallback: float | None  # arrivals per open hour when history is short


def fit(history: History, origin: dt.date, is_open: Callable[[dt.date], bool],
        open_hours: Iterable[int] = range(8, 18)) -> Model:
    # days before the first day of history are unknown, not days without arrivals
    known_from = min(history) if history else origin
    recent = [d for d in _open_days(origin, RECENT_DAYS, is_open) if d >= known_from]
    profile_days = [d for d in _open_days(origin, PROFILE_DAYS, is_open) if d >= known_from]
    if len(profile_days) < MIN_DAYS:
        hours = list(open_hours) or [0]
        days = [d for d in history if d < origin and is_open(d)]
        per_hour = (sum(_total(history, d) for d in days) / (len(days) * len(hours))) if days else 0.0
        return Model(0.0, dict.fromkeys(range(1, 8), 1.0), 1.0, {}, per_hour)
    index = _weekday_index(history, profile_days)
    level = _level(history, recent, index)
    growth = 1.0
    earlier = _open_days(origin, RECENT_DAYS, is_open, start_offset=RECENT_DAYS)
    if known_from <= origin - dt.timedelta(days=2 * RECENT_DAYS) and len(earlier) >= MIN_DAYS:
        previous = _level(history, earlier, index)
        if previous > 0 and level > 0:
            growth = _clamp(level / previous, 0.75, 1.33)
    return Model(level, index, growth, _hour_shares(history, profile_days), None)


def _year_on_year(history: History, model: Model, origin: dt.date, target: dt.date,
                  is_open: Callable[[dt.date], bool]) -> float:
    if not history or min(history) > origin - dt.timedelta(days=364 + RECENT_DAYS):
        return 1.0
    last_origin = origin - dt.timedelta(days=364)
    base_days = _open_days(last_origin, RECENT_DAYS, is_open)
    around = [target - dt.timedelta(days=364 + k) for k in range(-3, 4)]
    around = [d for d in around if is_open(d)]
    base = _level(history, base_days, model.weekday_index)
    then = _level(history, around, model.weekday_index)
    if base <= 0 or not around:
        return 1.0
    return _clamp(1 + 0.5 * (then / base - 1), 0.7, 1.3)


def forecast(history: History, origin: dt.date, is_open: Callable[[dt.date], bool], *, horizon: int = 14,
             open_hours: Iterable[int] = range(8, 18)) -> dict[dt.date, dict[int, float]]:
    """{date: {hour: expected arrivals}} for ``origin`` … ``origin + horizon - 1`` (closed days: {})."""
    hours = list(open_hours)
    model = fit(history, origin, is_open, hours)
    result: dict[dt.date, dict[int, float]] = {}
    for ahead in range(horizon):
        target = origin + dt.timedelta(days=ahead)
        if not is_open(target):
            result[target] = {}
            continue
        if model.fallback is not None:
            result[target] = dict.fromkeys(hours, model.fallback)
            continue
        trend = model.growth ** (0.5 * (ahead + RECENT_DAYS / 2) / RECENT_DAYS)
        daily = (model.level * model.weekday_index[target.isoweekday()] * trend
                 * _year_on_year(history, model, origin, target, is_open))
        shares = model.hour_share.get(target.isoweekday(), {})
        result[target] = {h: daily * shares.get(h, 0.0) for h in hours}
    return result


def naive_forecast(history: History, origin: dt.date, is_open: Callable[[dt.date], bool], *, horizon: int = 14,
                   open_hours: Iterable[int] = range(8, 18)) -> dict[dt.date, dict[int, float]]:
    """Same weekday of the last week before ``origin`` (the latest open one)."""
    hours = list(open_hours)
    result = {}
    for ahead in range(horizon):
        target = origin + dt.timedelta(days=ahead)
        if not is_open(target):
            result[target] = {}
            continue
        source = target - dt.timedelta(days=7 * (ahead // 7 + 1))
        for _ in range(8):
            if is_open(source):
                break
            source -= dt.timedelta(days=7)
        result[target] = {h: float(history.get(source, {}).get(h, 0)) for h in hours}
    return result


def errors(actual: History, predicted: Mapping[dt.date, Mapping[int, float]]) -> dict[str, float]:
    """MAE, RMSE and WAPE over every (open day, hour) cell of ``predicted``."""
    abs_sum = sq_sum = act_sum = 0.0
    cells = 0
    for day, hours in predicted.items():
        for hour, value in hours.items():
            truth = float(actual.get(day, {}).get(hour, 0))
            abs_sum += abs(truth - value)
            sq_sum += (truth - value) ** 2
            act_sum += truth
            cells += 1
    if not cells:
        return {"mae": 0.0, "rmse": 0.0, "wape": 0.0, "cells": 0}
    return {"mae": abs_sum / cells, "rmse": (sq_sum / cells) ** 0.5,
            "wape": abs_sum / act_sum if act_sum else 0.0, "cells": cells}


# ---- recommendation ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Recommendation:
    starts_at: dt.datetime
    ends_at: dt.datetime
    load: float  # the busiest spanned slot: (booked bays + expected walk-ins) ÷ bays
    booked: int
    expected_walk_ins: float


def slot_walk_ins(slot, hourly: Mapping[int, float], walk_in_share: float) -> float:
    """Expected walk-ins in one slot: the hour's forecast × the part of the hour the slot covers."""
    minutes = (slot.end - slot.start).total_seconds() / 60
    return hourly.get(slot.start.hour, 0.0) * min(minutes, 60) / 60 * walk_in_share


def recommend(days: Mapping[dt.date, list], hourly: Mapping[dt.date, Mapping[int, float]], *, minutes: int,
              now: dt.datetime, walk_in_share: float, count: int = 3) -> list[Recommendation]:
    """The ``count`` lowest-load starts where a job of ``minutes`` fits the free capacity of
    consecutive slots (``days``: {date: slots with usage counted}); ties go to the earlier start."""
    from .capacity import shortfall, span

    candidates = []
    for day, slots in days.items():
        for slot in slots:
            if slot.start <= now:
                continue
            used, reason = span(slots, slot.start, minutes)
            if reason or shortfall(used, slot.start, minutes) is not None:
                continue
            walk = [slot_walk_ins(s, hourly.get(day, {}), walk_in_share) for s in used]
            loads = [(s.bays_used + w) / s.bays if s.bays else float("inf") for s, w in zip(used, walk, strict=True)]
            worst = max(range(len(used)), key=lambda i: loads[i])
            candidates.append(Recommendation(slot.start, slot.start + dt.timedelta(minutes=minutes),
                                             round(loads[worst], 3), used[worst].bays_used, round(walk[worst], 2)))
    candidates.sort(key=lambda r: (r.load, r.starts_at))
    return candidates[:count]
