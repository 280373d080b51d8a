"""Clocking on and off: one open entry per technician, pauses, several technicians, done, corrections."""

import datetime as dt
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.test import TestCase
from django.utils import timezone

from aftersales.core.errors import ApplicationError, ConflictError, NotFoundError, PermissionDeniedError
from aftersales.core.models import AuditLog
from aftersales.workshop.choices import JobStatus, WorkOrderStatus
from aftersales.workshop.models import JobAssignment, TimeEntry, WorkOrder
from aftersales.workshop.services import jobs

from . import factories
from ._floor_helpers import approved_order, assign, backdate_open_entry, jobs_of, staff_of, work

S = WorkOrderStatus


class ClockingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.org = factories.org()
        cls.staff = staff_of(cls.org)

    def setUp(self):
        self.order = approved_order(self.org["a"], self.staff["advisor"], hours=("2.00", "1.00"))
        self.job, self.job2 = jobs_of(self.order)
        assign(self.order, self.staff["advisor"], self.staff["tech"], self.staff["tech2"], line=self.job)
        assign(self.order, self.staff["advisor"], self.staff["tech"], line=self.job2)
        self.tech, self.tech2 = self.staff["tech"], self.staff["tech2"]

    def test_pause_and_resume_adds_up_the_clocked_hours(self):
        work(self.job, self.tech, 45, reason="pause")
        line = work(self.job, self.tech, 15, reason="pause")
        self.assertEqual(line.job_status, JobStatus.PAUSED)
        self.assertEqual(line.actual_hours, Decimal("1.00"))
        entries = TimeEntry.objects.filter(line=self.job).order_by("id")
        self.assertEqual([e.end_reason for e in entries], ["pause", "pause"])
        self.assertEqual([e.seconds // 60 for e in entries], [45, 15])
        self.assertEqual(JobAssignment.objects.get(line=self.job, technician=self.tech).clocked_seconds, 3600)

    def test_clocking_onto_a_second_job_names_the_job_he_is_on(self):
        jobs.job_clock_on(user=self.tech, line_id=self.job.pk)
        with self.assertRaises(ConflictError) as ctx:
            jobs.job_clock_on(user=self.tech, line_id=self.job2.pk)
        self.assertEqual(ctx.exception.code, "already_clocked_on")
        self.assertIn(f"job {self.job.sequence}", ctx.exception.message)
        self.assertIn(self.job.description, ctx.exception.message)
        self.assertIn(self.order.number, ctx.exception.message)
        self.assertEqual(TimeEntry.objects.filter(technician=self.tech).count(), 1)

    def test_clocking_on_twice_to_the_same_job_is_refused(self):
        jobs.job_clock_on(user=self.tech, line_id=self.job.pk)
        with self.assertRaises(ConflictError) as ctx:
            jobs.job_clock_on(user=self.tech, line_id=self.job.pk)
        self.assertIn("already clocked on to this job", ctx.exception.message)

    def test_the_database_keeps_one_open_entry_per_technician(self):
        TimeEntry.objects.create(line=self.job, technician=self.tech, started_at=timezone.now())
        with self.assertRaises(IntegrityError), transaction.atomic():
            TimeEntry.objects.create(line=self.job2, technician=self.tech, started_at=timezone.now())

    def test_only_an_assigned_technician_clocks_on(self):
        with self.assertRaises(PermissionDeniedError):
            jobs.job_clock_on(user=self.tech2, line_id=self.job2.pk)
        self.assertFalse(TimeEntry.objects.exists())
        self.assertEqual(WorkOrder.objects.get(pk=self.order.pk).status, S.APPROVED)

    def test_technician_of_another_point_gets_not_found(self):
        with self.assertRaises(NotFoundError):
            jobs.job_clock_on(user=self.staff["tech_b"], line_id=self.job.pk)

    def test_no_clocking_before_approval_or_after_the_repair(self):
        order = factories.work_order(self.org["a"], status=S.QUALITY_CHECK)
        line = order.lines.get()
        JobAssignment.objects.create(line=line, technician=self.tech)
        with self.assertRaises(ConflictError) as ctx:
            jobs.job_clock_on(user=self.tech, line_id=line.pk)
        self.assertEqual(ctx.exception.code, "invalid_state")

    def test_a_done_job_takes_no_more_time(self):
        work(self.job2, self.tech, 30)
        with self.assertRaises(ConflictError) as ctx:
            jobs.job_clock_on(user=self.tech, line_id=self.job2.pk)
        self.assertEqual(ctx.exception.code, "job_done")

    def test_clock_off_without_being_on_is_refused(self):
        with self.assertRaises(ConflictError) as ctx:
            jobs.job_clock_off(user=self.tech, line_id=self.job.pk, reason="pause")
        self.assertEqual(ctx.exception.code, "not_clocked_on")

    def test_bad_reason_is_422(self):
        jobs.job_clock_on(user=self.tech, line_id=self.job.pk)
        with self.assertRaises(ApplicationError) as ctx:
            jobs.job_clock_off(user=self.tech, line_id=self.job.pk, reason="lunch")
        self.assertEqual((ctx.exception.status, list(ctx.exception.fields)), (422, ["reason"]))
        self.assertTrue(TimeEntry.objects.filter(technician=self.tech, ended_at__isnull=True).exists())

    def test_done_while_a_colleague_is_still_on_keeps_the_job_open(self):
        jobs.job_clock_on(user=self.tech, line_id=self.job.pk)
        jobs.job_clock_on(user=self.tech2, line_id=self.job.pk)
        backdate_open_entry(self.tech, 90)
        backdate_open_entry(self.tech2, 30)
        line = jobs.job_clock_off(user=self.tech, line_id=self.job.pk, reason="done")
        self.assertEqual((line.job_status, line.done_at), (JobStatus.IN_PROGRESS, None))
        line = jobs.job_clock_off(user=self.tech2, line_id=self.job.pk, reason="done")
        self.assertEqual(line.job_status, JobStatus.DONE)
        self.assertIsNotNone(line.done_at)
        self.assertEqual(line.actual_hours, Decimal("2.00"))

    def test_shares_of_the_standard_hours_are_equal_and_add_up(self):
        order = approved_order(self.org["a"], self.staff["advisor"], hours=("1.00",))
        line = jobs_of(order)[0]
        third = factories.staff(self.org["a"], "technician")
        assign(order, self.staff["advisor"], self.tech, self.tech2, third, line=line)
        work(line, self.tech, 20, reason="pause")
        work(line, self.tech2, 20, reason="pause")
        work(line, third, 20, reason="done")
        shares = list(JobAssignment.objects.filter(line=line).order_by("assigned_at", "id")
                      .values_list("standard_share", flat=True))
        self.assertEqual(shares, [Decimal("0.34"), Decimal("0.33"), Decimal("0.33")])
        self.assertEqual(sum(shares), Decimal("1.00"))

    def test_an_assigned_technician_without_time_gets_no_share(self):
        line = work(self.job, self.tech, 60)
        self.assertEqual(line.job_status, JobStatus.DONE)
        rows = {a.technician_id: a for a in JobAssignment.objects.filter(line=self.job)}
        self.assertEqual(rows[self.tech.pk].standard_share, Decimal("2.00"))
        self.assertIsNotNone(rows[self.tech.pk].done_at)
        self.assertEqual(rows[self.tech2.pk].standard_share, Decimal("0.00"))
        self.assertIsNone(rows[self.tech2.pk].done_at)

    def test_done_for_a_paused_job_without_clocking_on(self):
        work(self.job2, self.tech, 30, reason="pause")
        line = jobs.job_clock_off(user=self.tech, line_id=self.job2.pk, reason="done")
        self.assertEqual(line.job_status, JobStatus.DONE)
        self.assertEqual(TimeEntry.objects.filter(line=self.job2).count(), 1)

    def test_done_for_a_job_nobody_worked_on_is_refused(self):
        with self.assertRaises(ConflictError) as ctx:
            jobs.job_clock_off(user=self.tech, line_id=self.job2.pk, reason="done")
        self.assertEqual(ctx.exception.code, "no_time")

    def test_shift_end_pauses_the_job(self):
        line = work(self.job, self.tech, 10, reason="shift_end")
        self.assertEqual(line.job_status, JobStatus.PAUSED)
        self.assertEqual(TimeEntry.objects.get(line=self.job).end_reason, "shift_end")

    def test_each_clock_is_an_event(self):
        work(self.job, self.tech, 10, reason="pause")
        kinds = list(self.order.events.order_by("id").values_list("kind", flat=True))
        self.assertEqual(kinds[-3:], ["clock_on", "start_repair_on_clock_on", "clock_off"])


class CorrectionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.org = factories.org()
        cls.staff = staff_of(cls.org)

    def setUp(self):
        self.order = approved_order(self.org["a"], self.staff["advisor"], hours=("2.00",))
        self.job = jobs_of(self.order)[0]
        assign(self.order, self.staff["advisor"], self.staff["tech"])
        work(self.job, self.staff["tech"], 60, reason="pause")
        self.entry = TimeEntry.objects.get(line=self.job)

    def test_manager_corrects_an_entry_and_it_is_audited(self):
        new_start = self.entry.ended_at - dt.timedelta(minutes=90)
        jobs.time_entry_correct(user=self.staff["manager"], pk=self.entry.pk,
                                data={"started_at": new_start.isoformat(), "note": "forgot to clock on"})
        self.entry.refresh_from_db()
        self.assertEqual((self.entry.seconds, self.entry.note), (5400, "forgot to clock on"))
        self.job.refresh_from_db()
        self.assertEqual(self.job.actual_hours, Decimal("1.50"))
        log = AuditLog.objects.get(object_id=str(self.entry.pk), action="update")
        self.assertEqual(log.user_id, self.staff["manager"].pk)
        self.assertIn("started_at", log.after)

    def test_technician_cannot_correct(self):
        with self.assertRaises(NotFoundError):
            jobs.time_entry_correct(user=self.staff["tech"], pk=self.entry.pk, data={"note": "x"})

    def test_end_before_start_is_422_and_changes_nothing(self):
        before = TimeEntry.objects.get(pk=self.entry.pk).ended_at
        with self.assertRaises(ApplicationError) as ctx:
            jobs.time_entry_correct(user=self.staff["manager"], pk=self.entry.pk,
                                    data={"ended_at": self.entry.started_at - dt.timedelta(minutes=1)})
        self.assertEqual((ctx.exception.status, list(ctx.exception.fields)), (422, ["ended_at"]))
        self.assertEqual(TimeEntry.objects.get(pk=self.entry.pk).ended_at, before)

    def test_future_and_overlapping_times_are_refused(self):
        with self.assertRaises(ApplicationError):
            jobs.time_entry_correct(user=self.staff["manager"], pk=self.entry.pk,
                                    data={"ended_at": timezone.now() + dt.timedelta(hours=2)})
        work(self.job, self.staff["tech"], 5, reason="pause")
        with self.assertRaises(ApplicationError) as ctx:
            jobs.time_entry_correct(user=self.staff["manager"], pk=self.entry.pk,
                                    data={"ended_at": timezone.now()})
        self.assertIn("overlaps", str(ctx.exception.fields))

    def test_a_closed_entry_cannot_be_reopened(self):
        with self.assertRaises(ApplicationError) as ctx:
            jobs.time_entry_correct(user=self.staff["manager"], pk=self.entry.pk, data={"ended_at": None})
        self.assertIn("ended_at", ctx.exception.fields)

    def test_bad_text_is_refused(self):
        with self.assertRaises(ApplicationError) as ctx:
            jobs.time_entry_correct(user=self.staff["manager"], pk=self.entry.pk, data={"note": "a\x00b"})
        self.assertEqual(ctx.exception.status, 422)
        with self.assertRaises(ApplicationError):
            jobs.time_entry_correct(user=self.staff["manager"], pk=self.entry.pk, data={"started_at": "yesterday"})

    def test_unknown_entry_is_not_found(self):
        for pk in (0, 2**63, "1"):
            with self.assertRaises(NotFoundError):
                jobs.time_entry_correct(user=self.staff["manager"], pk=pk, data={})


class FinishRepairTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.org = factories.org()
        cls.staff = staff_of(cls.org)

    def test_finish_needs_every_job_done_and_nobody_on(self):
        order = approved_order(self.org["a"], self.staff["advisor"], hours=("1.00", "1.00"))
        first, second = jobs_of(order)
        assign(order, self.staff["advisor"], self.staff["tech"], line=first)
        assign(order, self.staff["advisor"], self.staff["tech"], line=second)
        work(first, self.staff["tech"], 30)
        jobs.job_clock_on(user=self.staff["tech"], line_id=second.pk)
        with self.assertRaises(ConflictError) as ctx:
            jobs.work_order_finish_repair(user=self.staff["tech"], order_id=order.pk)
        self.assertIn("still clocked on", ctx.exception.message)
        self.assertIn("Not every job is done: 2.", ctx.exception.message)
        jobs.job_clock_off(user=self.staff["tech"], line_id=second.pk, reason="done")
        jobs.work_order_finish_repair(user=self.staff["tech"], order_id=order.pk)
        self.assertEqual(WorkOrder.objects.get(pk=order.pk).status, S.QUALITY_CHECK)

    def test_finish_issues_the_reserved_parts(self):
        oil = factories.part_in_stock(self.org["a"], on_hand=3)
        order = approved_order(self.org["a"], self.staff["advisor"], parts=[{"part": oil, "quantity": 2}])
        from aftersales.workshop.services.stock import order_reserve_parts

        order_reserve_parts(order=order, user=self.staff["advisor"], data={})
        job = jobs_of(order)[0]
        assign(order, self.staff["advisor"], self.staff["tech"], line=job)
        work(job, self.staff["tech"], 30)
        jobs.work_order_finish_repair(user=self.staff["tech"], order_id=order.pk)
        from aftersales.parts.models import Stock

        stock = Stock.objects.get(part=oil, service_point=self.org["a"])
        self.assertEqual((stock.on_hand, stock.reserved), (Decimal("1"), Decimal("0")))

    def test_cashier_cannot_report_the_repair_finished(self):
        order = factories.work_order(self.org["a"], status=S.IN_REPAIR)
        with self.assertRaises(PermissionDeniedError):
            jobs.work_order_finish_repair(user=self.staff["cashier"], order_id=order.pk)
