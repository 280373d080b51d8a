"""Two advisors book the last bay of a slot at the same moment: one wins (PostgreSQL row lock)."""

import threading
import unittest

from django.db import connection, connections
from django.test import TransactionTestCase

from aftersales.appointments.models import Appointment
from aftersales.appointments.services import appointment_book
from aftersales.core.errors import ConflictError

from .helpers import Setup, at


@unittest.skipUnless(connection.vendor == "postgresql", "needs row locks (PostgreSQL)")
class LastBayTests(Setup, TransactionTestCase):
    def setUp(self):
        self.make_setup()

    def test_one_of_two_concurrent_bookings_of_the_last_bay_wins(self):
        start = at(self.monday, 9, 30)
        appointment_book(user=self.advisor, data=self.booking_data(start))  # one of two bays left
        barrier = threading.Barrier(2)
        results: list = []

        def book():
            try:
                barrier.wait(timeout=10)
                results.append(appointment_book(user=self.advisor, data=self.booking_data(start)).pk)
            except ConflictError as exc:
                results.append(exc.code)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=book) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
        self.assertEqual(sorted(map(str, results))[-1], "slot_full")
        self.assertEqual(len([r for r in results if isinstance(r, int)]), 1)
        self.assertEqual(Appointment.objects.filter(starts_at=start).count(), 2)

    def test_concurrent_first_bookings_create_one_plan_row(self):
        from aftersales.appointments.models import CapacityPlan

        CapacityPlan.objects.filter(service_point=self.point).delete()
        self.point.bays, self.point.technician_count = 1, 1
        self.point.save()
        barrier = threading.Barrier(2)
        results: list = []

        def book():
            try:
                barrier.wait(timeout=10)
                results.append(appointment_book(user=self.advisor, data=self.booking_data(at(self.monday, 10, 30))).pk)
            except ConflictError as exc:
                results.append(exc.code)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=book) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
        self.assertEqual(CapacityPlan.objects.filter(service_point=self.point).count(), 1)
        self.assertIn("slot_full", results)
        self.assertEqual(Appointment.objects.count(), 1)
