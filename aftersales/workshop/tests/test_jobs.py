"""Rules of assignment and the start of the repair (services.jobs)."""

from django.test import TestCase

from aftersales.core.errors import ApplicationError, ConflictError, NotFoundError, PermissionDeniedError
from aftersales.workshop.choices import JobStatus, LineKind, WorkOrderStatus
from aftersales.workshop.models import JobAssignment, WorkOrder, WorkOrderEvent
from aftersales.workshop.services import jobs

from . import factories
from ._floor_helpers import approved_order, assign, jobs_of, staff_of, work

S = WorkOrderStatus


class AssignmentTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.org = factories.org()
        cls.staff = staff_of(cls.org)

    def setUp(self):
        self.order = approved_order(self.org["a"], self.staff["advisor"], hours=("1.50", "2.00"))
        self.line = jobs_of(self.order)[0]

    def test_advisor_assigns_two_technicians_to_one_job(self):
        line = assign(self.order, self.staff["advisor"], self.staff["tech"], self.staff["tech2"])
        rows = JobAssignment.objects.filter(line=line).order_by("id")
        self.assertEqual([r.technician_id for r in rows], [self.staff["tech"].pk, self.staff["tech2"].pk])
        self.assertEqual({r.service_point_id for r in rows}, {self.org["a"].pk})
        self.assertEqual({r.assigned_by_id for r in rows}, {self.staff["advisor"].pk})
        event = WorkOrderEvent.objects.get(work_order=self.order, kind="job_assigned")
        self.assertEqual(event.data["technician_ids"], [self.staff["tech"].pk, self.staff["tech2"].pk])

    def test_assigning_again_is_idempotent(self):
        assign(self.order, self.staff["advisor"], self.staff["tech"])
        assign(self.order, self.staff["advisor"], self.staff["tech"])
        self.assertEqual(JobAssignment.objects.filter(line=self.line).count(), 1)
        self.assertEqual(WorkOrderEvent.objects.filter(work_order=self.order, kind="job_assigned").count(), 1)

    def test_a_cashier_is_no_technician(self):
        with self.assertRaises(ApplicationError) as ctx:
            assign(self.order, self.staff["advisor"], self.staff["cashier"])
        self.assertEqual(ctx.exception.status, 422)
        self.assertIn("technician_ids", ctx.exception.fields)
        self.assertFalse(JobAssignment.objects.exists())

    def test_a_technician_of_another_point_is_refused(self):
        with self.assertRaises(ApplicationError) as ctx:
            assign(self.order, self.staff["advisor"], self.staff["tech"], self.staff["tech_b"])
        self.assertEqual(ctx.exception.status, 422)
        self.assertFalse(JobAssignment.objects.exists(), "nothing half-written")

    def test_ids_beyond_a_bigint_are_bad_input(self):
        with self.assertRaises(ApplicationError) as ctx:
            jobs.job_assign(user=self.staff["advisor"], order_id=self.order.pk, line_id=self.line.pk,
                            technician_ids=[2**70])
        self.assertEqual(ctx.exception.status, 422)

    def test_a_part_line_is_no_job(self):
        part_line = factories.line(self.order, kind=LineKind.PART, status="approved")
        with self.assertRaises(ConflictError):
            assign(self.order, self.staff["advisor"], self.staff["tech"], line=part_line)

    def test_technician_may_not_assign(self):
        with self.assertRaises(PermissionDeniedError):
            assign(self.order, self.staff["tech"], self.staff["tech"])

    def test_advisor_of_another_point_gets_not_found(self):
        with self.assertRaises(NotFoundError):
            assign(self.order, self.staff["advisor_b"], self.staff["tech"])

    def test_line_of_another_order_is_not_found(self):
        other = approved_order(self.org["a"], self.staff["advisor"])
        with self.assertRaises(NotFoundError):
            assign(self.order, self.staff["advisor"], self.staff["tech"], line=jobs_of(other)[0])

    def test_no_assignment_before_approval(self):
        order = factories.work_order(self.org["a"], status=S.AWAITING_APPROVAL)
        line = order.lines.get()
        with self.assertRaises(ConflictError):
            jobs.job_assign(user=self.staff["advisor"], order_id=order.pk, line_id=line.pk,
                            technician_ids=[self.staff["tech"].pk])

    def test_unassign_a_technician_without_time(self):
        assign(self.order, self.staff["advisor"], self.staff["tech"], self.staff["tech2"])
        jobs.job_unassign(user=self.staff["advisor"], order_id=self.order.pk, line_id=self.line.pk,
                          technician_id=self.staff["tech2"].pk)
        self.assertEqual(list(JobAssignment.objects.values_list("technician_id", flat=True)), [self.staff["tech"].pk])

    def test_a_technician_with_time_stays_on_the_job(self):
        assign(self.order, self.staff["advisor"], self.staff["tech"])
        work(self.line, self.staff["tech"], 30, reason="pause")
        with self.assertRaises(ConflictError) as ctx:
            jobs.job_unassign(user=self.staff["advisor"], order_id=self.order.pk, line_id=self.line.pk,
                              technician_id=self.staff["tech"].pk)
        self.assertEqual(ctx.exception.code, "has_time")
        self.assertTrue(JobAssignment.objects.filter(technician=self.staff["tech"]).exists())

    def test_unassigning_someone_not_assigned_is_not_found(self):
        with self.assertRaises(NotFoundError):
            jobs.job_unassign(user=self.staff["advisor"], order_id=self.order.pk, line_id=self.line.pk,
                              technician_id=self.staff["tech"].pk)


class StartRepairTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.org = factories.org()
        cls.staff = staff_of(cls.org)

    def test_start_repair_needs_a_technician(self):
        order = approved_order(self.org["a"], self.staff["advisor"])
        with self.assertRaises(ConflictError) as ctx:
            jobs.work_order_start_repair(user=self.staff["advisor"], order_id=order.pk)
        self.assertIn("Assign a technician", ctx.exception.message)
        self.assertEqual(WorkOrder.objects.get(pk=order.pk).status, S.APPROVED)

    def test_advisor_starts_the_repair_once_assigned(self):
        order = approved_order(self.org["a"], self.staff["advisor"])
        assign(order, self.staff["advisor"], self.staff["tech"])
        jobs.work_order_start_repair(user=self.staff["advisor"], order_id=order.pk, note="bay 3")
        order.refresh_from_db()
        self.assertEqual(order.status, S.IN_REPAIR)
        event = order.events.get(kind="start_repair")
        self.assertEqual((event.actor_id, event.note), (self.staff["advisor"].pk, "bay 3"))

    def test_technician_cannot_start_the_repair_by_hand(self):
        order = approved_order(self.org["a"], self.staff["advisor"])
        assign(order, self.staff["advisor"], self.staff["tech"])
        with self.assertRaises(PermissionDeniedError):
            jobs.work_order_start_repair(user=self.staff["tech"], order_id=order.pk)
        # nor through the clock-on transition without clocking on
        from aftersales.workshop.services.transitions import work_order_transition

        with self.assertRaises(ConflictError):
            work_order_transition(user=self.staff["tech"], order=order.pk, name="start_repair_on_clock_on")
        self.assertEqual(WorkOrder.objects.get(pk=order.pk).status, S.APPROVED)

    def test_first_clock_on_starts_the_repair_on_the_technicians_behalf(self):
        order = approved_order(self.org["a"], self.staff["advisor"])
        line = assign(order, self.staff["advisor"], self.staff["tech"])
        jobs.job_clock_on(user=self.staff["tech"], line_id=line.pk)
        order.refresh_from_db()
        self.assertEqual(order.status, S.IN_REPAIR)
        event = order.events.get(kind="start_repair_on_clock_on")
        self.assertEqual(event.actor_id, self.staff["tech"].pk)
        self.assertEqual(event.actor_label, "system")
        self.assertEqual(event.data["by"], "system")
        self.assertEqual(event.data["line_id"], line.pk)
        self.assertIn("first clock-on", event.note)
        line.refresh_from_db()
        self.assertEqual(line.job_status, JobStatus.IN_PROGRESS)

    def test_second_clock_on_does_not_transition_again(self):
        order = approved_order(self.org["a"], self.staff["advisor"], hours=("1.00", "1.00"))
        first, second = jobs_of(order)
        assign(order, self.staff["advisor"], self.staff["tech"], line=first)
        assign(order, self.staff["advisor"], self.staff["tech2"], line=second)
        jobs.job_clock_on(user=self.staff["tech"], line_id=first.pk)
        jobs.job_clock_on(user=self.staff["tech2"], line_id=second.pk)
        self.assertEqual(order.events.filter(kind__startswith="start_repair").count(), 1)
