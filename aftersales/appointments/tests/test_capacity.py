"""Capacity arithmetic (pure functions): slots, usage, spans, closed days, opening-hour input."""

import datetime as dt
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from django.test import SimpleTestCase

from aftersales.appointments import capacity as cap

TZ = ZoneInfo("Asia/Shanghai")
WEEK = cap.parse_week({"1": [["08:30", "12:00"], ["13:30", "17:30"]], "6": [["08:30", "17:30"]]})
MONDAY = dt.date(2027, 3, 1)


def at(h, m=0, day=MONDAY):
    return dt.datetime.combine(day, dt.time(h, m), tzinfo=TZ)


def booking(start, minutes):
    return SimpleNamespace(starts_at=start, ends_at=start + dt.timedelta(minutes=minutes))


class DayPlanTests(SimpleTestCase):
    def plan(self, **kw):
        return cap.day_plan(date=kw.pop("date", MONDAY), slot_minutes=kw.pop("slot", 60), bays=2,
                            technician_hours=2, week=WEEK, **kw)

    def test_slots_follow_the_ranges_and_drop_a_partial_last_slot(self):
        slots = cap.day_slots(self.plan(), TZ)
        starts = [s.start.strftime("%H:%M") for s in slots]
        self.assertEqual(starts, ["08:30", "09:30", "10:30", "13:30", "14:30", "15:30", "16:30"])
        self.assertEqual((slots[0].bays, slots[0].tech_minutes), (2, 120))

    def test_thirty_minute_slots(self):
        slots = cap.day_slots(self.plan(slot=30), TZ)
        self.assertEqual(len(slots), 7 + 8)

    def test_sunday_is_closed_by_the_week(self):
        plan = self.plan(date=dt.date(2027, 3, 7))
        self.assertFalse(plan.is_open)
        self.assertEqual(cap.day_slots(plan, TZ), [])

    def test_holiday_closes_and_override_wins_over_holiday(self):
        self.assertEqual(self.plan(holiday_name="劳动节").closed_reason, "劳动节")
        plan = self.plan(holiday_name="调休", override={"ranges": cap.parse_ranges([["09:00", "11:00"]]),
                                                        "bays": 5, "technician_hours": None})
        self.assertTrue(plan.is_open)
        slots = cap.day_slots(plan, TZ)
        self.assertEqual([(s.start.hour, s.bays, s.tech_minutes) for s in slots], [(9, 5, 120), (10, 5, 120)])

    def test_override_without_hours_closes(self):
        self.assertFalse(self.plan(override={"ranges": [], "note": "盘点"}).is_open)


class UsageTests(SimpleTestCase):
    def setUp(self):
        plan = cap.day_plan(date=MONDAY, slot_minutes=60, bays=2, technician_hours=1.5, week=WEEK)
        self.slots = cap.day_slots(plan, TZ)

    def test_a_90_minute_job_uses_a_bay_in_two_slots_and_60_plus_30_technician_minutes(self):
        cap.add_usage(self.slots, [booking(at(8, 30), 90)])
        self.assertEqual([(s.bays_used, s.tech_used) for s in self.slots[:3]], [(1, 60), (1, 30), (0, 0)])
        self.assertEqual((self.slots[0].bays_left, self.slots[0].tech_left), (1, 30))

    def test_span_must_start_on_a_slot_and_fit_the_range(self):
        used, reason = cap.span(self.slots, at(9, 30), 120)
        self.assertEqual(([s.start.hour for s in used], reason), ([9, 10], ""))
        self.assertIn("beginning of a slot", cap.span(self.slots, at(9, 0), 60)[1])
        self.assertIn("closing time (11:30)", cap.span(self.slots, at(10, 30), 120)[1])
        self.assertIn("not open", cap.span(self.slots, at(12, 30), 60)[1])
        self.assertIn("not open", cap.span(self.slots, at(7, 30), 60)[1])

    def test_shortfall_by_bays_and_by_technician_minutes(self):
        used, _ = cap.span(self.slots, at(8, 30), 60)
        self.assertIsNone(cap.shortfall(used, at(8, 30), 60))
        cap.add_usage(self.slots, [booking(at(8, 30), 60)])
        # 90 technician minutes per slot, 60 used: a 60-minute job no longer fits, a 30-minute one does
        self.assertIs(cap.shortfall(used, at(8, 30), 60), self.slots[0])
        self.assertIsNone(cap.shortfall(used, at(8, 30), 30))
        cap.add_usage(self.slots, [booking(at(8, 30), 30)])
        self.assertEqual(self.slots[0].bays_left, 0)
        self.assertIs(cap.shortfall(used, at(8, 30), 5), self.slots[0])


class InputTests(SimpleTestCase):
    def test_bad_opening_hours_name_the_field(self):
        for bad in ("x", [["8:30", "17:30"]], [["08:30"]], [["17:30", "08:30"]], [["25:00", "26:00"]],
                    [["08:00", "12:00"], ["11:00", "13:00"]], [[None, "12:00"]]):
            with self.assertRaises(cap.CapacityInputError) as ctx:
                cap.parse_ranges(bad, "opening_hours")
            self.assertEqual(ctx.exception.field, "opening_hours")
        for bad in ({"8": []}, {"mon": []}, ["1"]):
            with self.assertRaises(cap.CapacityInputError):
                cap.parse_week(bad)

    def test_week_round_trip(self):
        self.assertEqual(cap.week_as_json(WEEK), {"1": [["08:30", "12:00"], ["13:30", "17:30"]],
                                                  "6": [["08:30", "17:30"]]})
