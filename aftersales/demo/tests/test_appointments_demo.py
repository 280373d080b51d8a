"""The appointments demo: capacity plans, 2027 holidays, a seasonal history of arrivals, this week's bookings."""

import datetime as dt
import random
from collections import Counter

from django.test import TestCase
from django.utils import timezone

from aftersales.appointments.models import Appointment, CapacityPlan, Holiday
from aftersales.crm.models import Notification
from aftersales.demo.appointments import create_appointments_demo
from aftersales.demo.archives import create_archives
from aftersales.demo.organisation import create_organisation


class AppointmentsDemoTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.today = timezone.localdate()
        rng = random.Random(11)
        cls.org = create_organisation()
        create_archives(rng=rng, org=cls.org, customers=40, today=cls.today)
        cls.counts = create_appointments_demo(rng=rng, org=cls.org, today=cls.today)

    def test_counts_match_the_rows(self):
        self.assertEqual(self.counts["capacity plans"], 4)
        self.assertEqual(CapacityPlan.objects.count(), 4)
        self.assertEqual(self.counts["holidays"], Holiday.objects.filter(service_point__isnull=True).count())
        self.assertEqual(self.counts["past arrivals"], Appointment.objects.filter(status="arrived").count())
        self.assertEqual(self.counts["bookings this week"],
                         Appointment.objects.filter(status__in=("booked", "confirmed")).count())
        self.assertEqual(self.counts["confirmed"], Notification.objects.filter(kind="appointment.confirmation").count())
        self.assertGreater(self.counts["bookings this week"], 5)

    def test_store_plan(self):
        plan = CapacityPlan.objects.get(service_point__code="SH-PD-4S")
        self.assertEqual((plan.slot_minutes, plan.bays, plan.opening_hours["1"], plan.opening_hours.get("7")),
                         (60, 10, [["08:30", "17:30"]], None))

    def test_real_2027_holidays(self):
        days = set(Holiday.objects.values_list("date", flat=True))
        for day in (dt.date(2027, 1, 1), dt.date(2027, 2, 6), dt.date(2027, 4, 5), dt.date(2027, 5, 1),
                    dt.date(2027, 6, 9), dt.date(2027, 9, 15), dt.date(2027, 10, 1)):
            self.assertIn(day, days)

    def test_history_has_busy_monday_and_saturday_mornings(self):
        rows = Appointment.objects.filter(status="arrived", service_point__code="SH-PD-4S").values_list("starts_at",
                                                                                                          flat=True)
        by_weekday = Counter(timezone.localtime(t).isoweekday() for t in rows)
        self.assertGreater(by_weekday[1], by_weekday[3])
        self.assertGreater(by_weekday[6], by_weekday[4])
        self.assertEqual(by_weekday[7], 0)
        mornings = Counter(timezone.localtime(t).hour < 12 for t in rows)
        self.assertGreater(mornings[True], mornings[False])
        first = min(timezone.localtime(t).date() for t in rows)
        self.assertGreaterEqual((self.today - first).days, 80)

    def test_bookings_are_in_the_coming_week_within_opening_hours(self):
        for appt in Appointment.objects.filter(status__in=("booked", "confirmed")):
            local = timezone.localtime(appt.starts_at)
            self.assertTrue(self.today < local.date() <= self.today + dt.timedelta(days=7))
            self.assertNotEqual(local.isoweekday(), 7)
            self.assertTrue(appt.events.filter(kind="booked").exists())
