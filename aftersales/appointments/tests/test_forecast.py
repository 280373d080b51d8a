"""Forecast and recommendation: pure functions with exact expectations."""

import datetime as dt
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from django.test import SimpleTestCase

from aftersales.appointments import capacity as cap
from aftersales.appointments import forecast as fc

TZ = ZoneInfo("Asia/Shanghai")
ORIGIN = dt.date(2027, 3, 1)  # a Monday
HOURS = range(8, 18)


def open_mon_sat(day):
    return day.isoweekday() != 7


def history(days, per_hour, weekday_totals=None):
    out = {}
    for i in range(1, days + 1):
        day = ORIGIN - dt.timedelta(days=i)
        if not open_mon_sat(day):
            continue
        n = (weekday_totals or {}).get(day.isoweekday())
        out[day] = {h: (n / 10 if n is not None else per_hour) for h in HOURS}
    return out


class ForecastTests(SimpleTestCase):
    def test_flat_history_gives_flat_forecast(self):
        result = fc.forecast(history(70, 2), ORIGIN, open_mon_sat)
        self.assertEqual(len(result), 14)
        for day, hours in result.items():
            if day.isoweekday() == 7:
                self.assertEqual(hours, {})
            else:
                for value in hours.values():
                    self.assertAlmostEqual(value, 2.0, places=6)

    def test_weekday_pattern_is_kept(self):
        result = fc.forecast(history(70, 0, {1: 40, 2: 20, 3: 20, 4: 20, 5: 20, 6: 30}), ORIGIN, open_mon_sat)
        monday, tuesday, saturday = (sum(result[ORIGIN + dt.timedelta(days=k)].values()) for k in (0, 1, 5))
        self.assertGreater(monday, saturday)
        self.assertGreater(saturday, tuesday)
        self.assertAlmostEqual(monday / tuesday, (8 * 2.0 + 2) / 10 / ((8 * 1.0 + 2) / 10) * 1.0, delta=0.15)

    def test_growth_is_capped_and_damped(self):
        past = history(56, 1)
        for day in list(past):
            if day >= ORIGIN - dt.timedelta(days=28):
                past[day] = {h: 3 for h in HOURS}
        model = fc.fit(past, ORIGIN, open_mon_sat)
        self.assertAlmostEqual(model.growth, 1.33)
        first = sum(fc.forecast(past, ORIGIN, open_mon_sat)[ORIGIN].values())
        self.assertAlmostEqual(first, 30 * 1.33 ** (0.5 * 14 / 28), places=4)

    def test_closed_days_in_history_do_not_pull_the_level_down(self):
        past = history(70, 2)
        holiday = ORIGIN - dt.timedelta(days=3)
        del past[holiday]
        result = fc.forecast(past, ORIGIN, lambda d: open_mon_sat(d) and d != holiday)
        self.assertAlmostEqual(result[ORIGIN][9], 2.0, places=6)

    def test_short_history_falls_back_to_the_mean_per_hour(self):
        result = fc.forecast(history(5, 1.5), ORIGIN, open_mon_sat, horizon=3)
        self.assertEqual(result[ORIGIN], dict.fromkeys(HOURS, 1.5))
        self.assertEqual(fc.forecast({}, ORIGIN, open_mon_sat, horizon=1)[ORIGIN], dict.fromkeys(HOURS, 0.0))

    def test_year_on_year_lifts_a_season_seen_last_year(self):
        past = history(420, 2)
        for day in past:  # last year, the weeks after the origin's date were twice as busy
            if ORIGIN - dt.timedelta(days=364) <= day < ORIGIN - dt.timedelta(days=364 - 21):
                past[day] = {h: 4 for h in HOURS}
        result = fc.forecast(past, ORIGIN, open_mon_sat)
        self.assertAlmostEqual(result[ORIGIN + dt.timedelta(days=7)][10], 2.0 * 1.3, places=6)

    def test_naive_repeats_last_open_week(self):
        past = history(21, 1)
        past[ORIGIN - dt.timedelta(days=7)] = {h: 5 for h in HOURS}
        result = fc.naive_forecast(past, ORIGIN, open_mon_sat)
        self.assertEqual(result[ORIGIN][8], 5.0)
        self.assertEqual(result[ORIGIN + dt.timedelta(days=7)][8], 5.0)
        self.assertEqual(result[ORIGIN + dt.timedelta(days=1)][8], 1.0)

    def test_errors(self):
        actual = {ORIGIN: {8: 2, 9: 4}}
        self.assertEqual(fc.errors(actual, {ORIGIN: {8: 1.0, 9: 4.0}}),
                         {"mae": 0.5, "rmse": 0.5 ** 0.5, "wape": 1 / 6, "cells": 2})


class RecommendationTests(SimpleTestCase):
    def slots(self, day, bookings=()):
        plan = cap.day_plan(date=day, slot_minutes=60, bays=2, technician_hours=2,
                            week={1: cap.parse_ranges([["08:00", "12:00"]]), 2: cap.parse_ranges([["08:00", "10:00"]])})
        slots = cap.day_slots(plan, TZ)
        cap.add_usage(slots, [SimpleNamespace(starts_at=dt.datetime.combine(day, dt.time(h), tzinfo=TZ),
                                              ends_at=dt.datetime.combine(day, dt.time(h + 1), tzinfo=TZ))
                              for h in bookings])
        return slots

    def test_three_lowest_loads_that_fit(self):
        monday, tuesday = ORIGIN, ORIGIN + dt.timedelta(days=1)
        days = {monday: self.slots(monday, bookings=[8, 8, 9, 10]), tuesday: self.slots(tuesday, bookings=[9])}
        hourly = {monday: {8: 0.0, 9: 0.0, 10: 0.0, 11: 2.0}, tuesday: {8: 1.0, 9: 0.0}}
        now = dt.datetime.combine(monday, dt.time(7), tzinfo=TZ)
        result = fc.recommend(days, hourly, minutes=60, now=now, walk_in_share=0.5)
        self.assertEqual([(r.starts_at.day, r.starts_at.hour, r.load) for r in result],
                         [(2, 8, 0.25), (1, 9, 0.5), (1, 10, 0.5)])
        result = fc.recommend(days, hourly, minutes=120, now=now, walk_in_share=0.5)
        # 08:00 monday is full; 09–11 and 10–12 fit; tuesday 08–10 has 9:00 half booked
        self.assertEqual([(r.starts_at.day, r.starts_at.hour, r.load) for r in result],
                         [(1, 9, 0.5), (1, 10, 0.5), (2, 8, 0.5)])

    def test_nothing_in_the_past_or_past_closing(self):
        monday = ORIGIN
        days = {monday: self.slots(monday)}
        now = dt.datetime.combine(monday, dt.time(10, 30), tzinfo=TZ)
        result = fc.recommend(days, {}, minutes=60, now=now, walk_in_share=1)
        self.assertEqual([r.starts_at.hour for r in result], [11])
        self.assertEqual(fc.recommend(days, {}, minutes=120, now=now, walk_in_share=1), [])
