"""Arrivals history from the database feeds the recommendation: busy hours are avoided."""

import datetime as dt

from django.test import TestCase
from django.utils import timezone

from aftersales.appointments.selectors import arrivals_history, recommendations
from aftersales.workshop.tests.factories import work_order

from .factories import appointment
from .helpers import Setup, at, future_weekday


class HistoryTests(Setup, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.make_setup()
        today = timezone.localdate()
        cls.past_monday = today - dt.timedelta(days=today.isoweekday() - 1 + 7)
        # every open day of the last 8 weeks: one walk-in at 08:xx; Mondays three more at 08:xx by work order
        for back in range(1, 57):
            day = today - dt.timedelta(days=back)
            if day.isoweekday() == 7:
                continue
            start = at(day, 8, 30)
            appointment(cls.point, starts_at=start, status="arrived", arrived_at=start, channel="walk_in",
                        owner=cls.customer, asset=cls.vehicle)
            if day.isoweekday() == 1:
                for minute in (35, 40, 45):
                    work_order(cls.point, opened_at=at(day, 8, minute), customer=cls.customer, asset=cls.vehicle)
        appointment(cls.point, starts_at=at(cls.past_monday, 10, 30), status="arrived",
                    arrived_at=at(cls.past_monday, 10, 30), owner=cls.customer, asset=cls.vehicle)

    def test_history_groups_by_local_hour_and_counts_walk_ins(self):
        history, share = arrivals_history(self.point.pk, self.past_monday, self.past_monday)
        self.assertEqual(history, {self.past_monday: {8: 4, 10: 1}})
        self.assertAlmostEqual(share, 4 / 5)

    def test_the_busy_monday_morning_slot_is_not_recommended(self):
        monday = future_weekday(1)
        result = recommendations(user=self.advisor, service_point_id=self.point.pk, duration_minutes=60,
                                 from_date=monday)
        starts = [timezone.localtime(r.starts_at) for r in result["items"]]
        self.assertEqual(len(starts), 3)
        self.assertNotIn(at(monday, 8, 30), starts)
        for start in starts:
            self.assertNotEqual(start.hour, 8)  # every day's 08:30 expects a walk-in
        self.assertGreater(result["walk_in_share"], 0.9)
