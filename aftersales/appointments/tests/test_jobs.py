"""Periodic jobs: the day-before reminder (never twice, only for tomorrow) and the automatic no-show."""

import datetime as dt

from django.test import TestCase, override_settings
from django.utils import timezone

from aftersales.appointments.models import Appointment, AppointmentEvent
from aftersales.appointments.services import appointments_mark_no_shows, appointments_send_reminders
from aftersales.appointments.tasks import mark_no_shows, send_reminders
from aftersales.core.testing import make_org
from aftersales.crm.models import Notification

from .factories import appointment
from .helpers import at


class ReminderTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.org = make_org()
        cls.point = cls.org["a"]
        cls.now = at(dt.date(2027, 3, 1), 10)  # Monday 10:00
        tuesday = dt.date(2027, 3, 2)
        cls.tomorrow = [appointment(cls.point, starts_at=at(tuesday, 8, 30)),
                        appointment(cls.point, starts_at=at(tuesday, 17, 0), status="confirmed"),
                        appointment(cls.org["b"], starts_at=at(tuesday, 23, 30))]
        cls.not_tomorrow = [appointment(cls.point, starts_at=at(dt.date(2027, 3, 1), 15)),
                            appointment(cls.point, starts_at=at(dt.date(2027, 3, 3), 0, 0)),
                            appointment(cls.point, starts_at=at(tuesday, 9), status="cancelled"),
                            appointment(cls.point, starts_at=at(tuesday, 10), status="arrived")]

    def test_one_reminder_each_for_tomorrows_open_appointments(self):
        self.assertEqual(appointments_send_reminders(now=self.now), 3)
        reminded = set(Notification.objects.filter(kind="appointment.reminder").values_list("object_id", flat=True))
        self.assertEqual(reminded, {str(a.pk) for a in self.tomorrow})
        for appt in self.tomorrow:
            appt.refresh_from_db()
            self.assertEqual(appt.reminder_sent_at, self.now)
            self.assertEqual(AppointmentEvent.objects.filter(appointment=appt, kind="reminded").count(), 1)
        for appt in self.not_tomorrow:
            appt.refresh_from_db()
            self.assertIsNone(appt.reminder_sent_at)
        note = Notification.objects.get(kind="appointment.reminder", object_id=str(self.tomorrow[0].pk))
        self.assertIn("2027-03-02 08:30", note.body)

    def test_never_twice(self):
        appointments_send_reminders(now=self.now)
        self.assertEqual(appointments_send_reminders(now=self.now + dt.timedelta(hours=1)), 0)
        self.assertEqual(Notification.objects.filter(kind="appointment.reminder").count(), 3)

    def test_the_task_runs_the_job(self):
        self.assertEqual(send_reminders(), 0)  # today: none of these is tomorrow


@override_settings(APPOINTMENT_NO_SHOW_GRACE_MINUTES=30)
class NoShowTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.org = make_org()
        now = timezone.now().replace(microsecond=0)
        cls.late = appointment(cls.org["a"], starts_at=now - dt.timedelta(minutes=31))
        cls.late_confirmed = appointment(cls.org["b"], starts_at=now - dt.timedelta(hours=5), status="confirmed")
        cls.within_grace = appointment(cls.org["a"], starts_at=now - dt.timedelta(minutes=29))
        cls.arrived = appointment(cls.org["a"], starts_at=now - dt.timedelta(hours=2), status="arrived")
        cls.future = appointment(cls.org["a"], starts_at=now + dt.timedelta(hours=2))

    def test_only_after_the_grace_period(self):
        self.assertEqual(mark_no_shows(), 2)
        status = dict(Appointment.objects.values_list("pk", "status"))
        self.assertEqual(status[self.late.pk], "no_show")
        self.assertEqual(status[self.late_confirmed.pk], "no_show")
        self.assertEqual(status[self.within_grace.pk], "booked")
        self.assertEqual(status[self.arrived.pk], "arrived")
        self.assertEqual(status[self.future.pk], "booked")
        event = AppointmentEvent.objects.get(appointment=self.late)
        self.assertEqual((event.kind, event.actor_id, event.data), ("no_show", None, {"grace_minutes": 30}))
        self.assertEqual(appointments_mark_no_shows(), 0)

    @override_settings(APPOINTMENT_NO_SHOW_GRACE_MINUTES=0)
    def test_grace_is_a_setting(self):
        self.assertEqual(appointments_mark_no_shows(), 3)
