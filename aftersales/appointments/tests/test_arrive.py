"""appointment_arrive: the reception's call (booked/confirmed → arrived)."""

from django.test import TestCase

from aftersales.appointments.models import AppointmentEvent
from aftersales.appointments.services import appointment_arrive
from aftersales.core.errors import ConflictError, NotFoundError, PermissionDeniedError
from aftersales.core.testing import make_org, make_user

from .factories import appointment


class ArriveTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.org = make_org()
        cls.advisor = make_user("adv", point=cls.org["a"], perms=["appointments.*"])
        cls.receptionist = make_user("rec", point=cls.org["a"], perms=["workshop.add_workorder"])
        cls.viewer = make_user("viewer", point=cls.org["a"], perms=["appointments.view_appointment"])

    def test_booked_becomes_arrived_with_time_and_event(self):
        appt = appointment(self.org["a"])
        result = appointment_arrive(user=self.advisor, appointment_id=appt.pk)
        appt.refresh_from_db()
        self.assertEqual(result.pk, appt.pk)
        self.assertEqual(appt.status, "arrived")
        self.assertIsNotNone(appt.arrived_at)
        event = AppointmentEvent.objects.get(appointment=appt)
        self.assertEqual((event.kind, event.from_status, event.to_status, event.actor_id),
                         ("arrive", "booked", "arrived", self.advisor.pk))

    def test_confirmed_may_arrive_by_someone_who_opens_work_orders(self):
        appt = appointment(self.org["a"], status="confirmed")
        appointment_arrive(user=self.receptionist, appointment_id=appt.pk)
        appt.refresh_from_db()
        self.assertEqual(appt.status, "arrived")

    def test_other_states_are_a_conflict_naming_the_appointment(self):
        for status in ("arrived", "cancelled", "no_show"):
            appt = appointment(self.org["a"], status=status)
            with self.assertRaises(ConflictError) as ctx:
                appointment_arrive(user=self.advisor, appointment_id=appt.pk)
            self.assertIn("appointment_id", ctx.exception.fields)
            appt.refresh_from_db()
            self.assertEqual(appt.status, status)
            self.assertFalse(AppointmentEvent.objects.filter(appointment=appt).exists())

    def test_other_point_is_not_found_and_changes_nothing(self):
        appt = appointment(self.org["b"])
        with self.assertRaises(NotFoundError):
            appointment_arrive(user=self.advisor, appointment_id=appt.pk)
        appt.refresh_from_db()
        self.assertEqual(appt.status, "booked")

    def test_view_only_is_denied(self):
        appt = appointment(self.org["a"])
        with self.assertRaises(PermissionDeniedError):
            appointment_arrive(user=self.viewer, appointment_id=appt.pk)
        appt.refresh_from_db()
        self.assertEqual(appt.status, "booked")

    def test_bad_ids_are_not_found(self):
        for bad in (0, -1, 2**63, "1", None, True):
            with self.assertRaises(NotFoundError):
                appointment_arrive(user=self.advisor, appointment_id=bad)
