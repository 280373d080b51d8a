"""Quality check: which checklist applies, inspections that pass or fail, rework, checklist upkeep."""

from django.test import TestCase

from aftersales.core.errors import ApplicationError, ConflictError, NotFoundError, PermissionDeniedError
from aftersales.core.models import AuditLog
from aftersales.workshop.choices import JobStatus, WorkOrderStatus
from aftersales.workshop.models import JobAssignment, QcChecklist, QcInspection, WorkOrder
from aftersales.workshop.selectors.floor import checklist_for
from aftersales.workshop.services import jobs, qc
from aftersales.workshop.services.transitions import work_order_transition

from . import factories
from ._floor_helpers import checklist, jobs_of, order_at_qc, staff_of, work

S = WorkOrderStatus
ITEMS = ["Road test", "Torque of wheel nuts checked", "No warning lights"]


class ChecklistChoiceTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.org = factories.org()

    def test_the_points_own_list_wins_over_the_regions_and_the_default(self):
        default = checklist(items=["Default"])
        region = checklist(items=["Region"], point=self.org["east"])
        own = checklist(items=["Own"], point=self.org["a"])
        order_a = factories.work_order(self.org["a"], status=S.QUALITY_CHECK)
        order_b = factories.work_order(self.org["b"], status=S.QUALITY_CHECK)
        order_c = factories.work_order(self.org["c"], status=S.QUALITY_CHECK)
        self.assertEqual(checklist_for(order_a), own)
        self.assertEqual(checklist_for(order_b), region)
        self.assertEqual(checklist_for(order_c), default)

    def test_inactive_lists_and_other_service_types_do_not_apply(self):
        checklist(service_type="periodic_maintenance")
        own = checklist(point=self.org["a"])
        own.is_active = False
        own.save(update_fields=["is_active"])
        order = factories.work_order(self.org["a"], status=S.QUALITY_CHECK)
        self.assertIsNone(checklist_for(order))


class InspectionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.org = factories.org()
        cls.staff = staff_of(cls.org)
        cls.list = checklist(items=ITEMS)

    def setUp(self):
        self.order = order_at_qc(self.org["a"], self.staff, hours=("1.00", "2.00"))
        self.first, self.second = jobs_of(self.order)

    def results(self, failing=()):
        return [{"item": item, "ok": item not in failing, "note": "loose" if item in failing else ""}
                for item in ITEMS]

    def test_all_ok_passes_to_settlement(self):
        inspection = qc.qc_inspect(user=self.staff["inspector"], order_id=self.order.pk, results=self.results())
        self.assertTrue(inspection.passed)
        self.assertEqual([r["item"] for r in inspection.results], ITEMS)
        self.assertEqual(inspection.checklist, self.list)
        order = WorkOrder.objects.get(pk=self.order.pk)
        self.assertEqual((order.status, order.rework_count), (S.READY_FOR_SETTLEMENT, 0))
        self.assertEqual(order.events.get(kind="qc_pass").data["inspection_id"], inspection.pk)

    def test_a_failure_needs_reasons(self):
        with self.assertRaises(ApplicationError) as ctx:
            qc.qc_inspect(user=self.staff["inspector"], order_id=self.order.pk,
                          results=self.results(failing=["Road test"]))
        self.assertEqual(list(ctx.exception.fields), ["reasons"])
        self.assertFalse(QcInspection.objects.exists())
        self.assertEqual(WorkOrder.objects.get(pk=self.order.pk).status, S.QUALITY_CHECK)

    def test_failure_counts_rework_and_sends_the_named_job_back(self):
        inspection = qc.qc_inspect(user=self.staff["inspector"], order_id=self.order.pk,
                                   results=self.results(failing=["Road test"]), reasons="Noise from the front left",
                                   redo_line_ids=[self.second.pk])
        self.assertFalse(inspection.passed)
        self.assertEqual(list(inspection.redo_lines.all()), [self.second])
        order = WorkOrder.objects.get(pk=self.order.pk)
        self.assertEqual((order.status, order.rework_count), (S.IN_REPAIR, 1))
        event = order.events.get(kind="qc_fail")
        self.assertEqual((event.note, event.data["failed_checks"]), ("Noise from the front left", ["Road test"]))
        self.first.refresh_from_db()
        self.second.refresh_from_db()
        self.assertEqual(self.first.job_status, JobStatus.DONE)
        self.assertEqual((self.second.job_status, self.second.done_at), (JobStatus.WAITING, None))
        share = JobAssignment.objects.get(line=self.second)
        self.assertEqual((share.done_at, share.standard_share), (None, 0))

    def test_by_default_every_job_is_redone_and_the_technician_clocks_again(self):
        qc.qc_inspect(user=self.staff["inspector"], order_id=self.order.pk,
                      results=self.results(failing=ITEMS[:1]), reasons="Vibration")
        for line in jobs_of(self.order):
            self.assertEqual(line.job_status, JobStatus.WAITING)
            work(line, self.staff["tech"], 15)
        jobs.work_order_finish_repair(user=self.staff["tech"], order_id=self.order.pk)
        qc.qc_inspect(user=self.staff["inspector"], order_id=self.order.pk, results=self.results())
        order = WorkOrder.objects.get(pk=self.order.pk)
        self.assertEqual((order.status, order.rework_count), (S.READY_FOR_SETTLEMENT, 1))
        self.assertEqual(list(order.inspections.order_by("id").values_list("rework_round", "passed")),
                         [(0, False), (1, True)])

    def test_an_old_failure_cannot_fail_the_order_again(self):
        qc.qc_inspect(user=self.staff["inspector"], order_id=self.order.pk,
                      results=self.results(failing=ITEMS[:1]), reasons="Vibration")
        for line in jobs_of(self.order):
            work(line, self.staff["tech"], 15)
        jobs.work_order_finish_repair(user=self.staff["tech"], order_id=self.order.pk)
        with self.assertRaises(ConflictError):
            work_order_transition(user=self.staff["inspector"], order=self.order.pk, name="qc_fail")
        self.assertEqual(WorkOrder.objects.get(pk=self.order.pk).rework_count, 1)

    def test_every_check_must_be_answered_once(self):
        for results, field in (
            (self.results()[:2], "results"),
            ([*self.results(), {"item": "Wash", "ok": True}], "results"),
            ([*self.results(), self.results()[0]], "results.3.item"),
            ([{"item": item, "ok": "maybe"} for item in ITEMS], "results.0.ok"),
            ([], "results"),
            ("all fine", "results"),
        ):
            with self.subTest(field=field), self.assertRaises(ApplicationError) as ctx:
                qc.qc_inspect(user=self.staff["inspector"], order_id=self.order.pk, results=results)
            self.assertIn(field, ctx.exception.fields)
        self.assertFalse(QcInspection.objects.exists())

    def test_jobs_to_redo_must_be_jobs_of_the_order(self):
        other = order_at_qc(self.org["a"], self.staff)
        with self.assertRaises(ApplicationError) as ctx:
            qc.qc_inspect(user=self.staff["inspector"], order_id=self.order.pk, results=self.results(ITEMS),
                          reasons="x", redo_line_ids=[jobs_of(other)[0].pk])
        self.assertIn("redo_line_ids", ctx.exception.fields)

    def test_only_an_order_in_quality_check_is_inspected(self):
        order = factories.work_order(self.org["a"], status=S.IN_REPAIR)
        with self.assertRaises(ConflictError):
            qc.qc_inspect(user=self.staff["inspector"], order_id=order.pk, results=self.results())

    def test_who_may_inspect(self):
        for who, error in (("advisor", PermissionDeniedError), ("cashier", PermissionDeniedError),
                           ("tech", PermissionDeniedError), ("inspector_b", NotFoundError)):
            with self.subTest(who=who), self.assertRaises(error):
                qc.qc_inspect(user=self.staff[who], order_id=self.order.pk, results=self.results())
        self.assertEqual(WorkOrder.objects.get(pk=self.order.pk).status, S.QUALITY_CHECK)

    def test_without_a_checklist_the_inspector_lists_his_checks(self):
        QcChecklist.objects.all().delete()
        inspection = qc.qc_inspect(user=self.staff["inspector"], order_id=self.order.pk,
                                   results=[{"item": "Visual check", "ok": True}])
        self.assertIsNone(inspection.checklist)
        self.assertTrue(inspection.passed)


class ChecklistUpkeepTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.org = factories.org()
        cls.staff = staff_of(cls.org)

    def data(self, **extra):
        return {"service_type": "repair", "service_point_id": self.org["a"].pk, "name": "Repairs",
                "items": ["Road test", " No warning lights ", "Road test", ""], **extra}

    def test_manager_creates_a_list_for_his_point_audited(self):
        created = qc.checklist_create(user=self.staff["manager"], data=self.data())
        self.assertEqual(created.items, ["Road test", "No warning lights"])
        self.assertEqual(AuditLog.objects.filter(object_id=str(created.pk), action="create").count(), 1)

    def test_one_list_per_service_type_and_point(self):
        qc.checklist_create(user=self.staff["manager"], data=self.data())
        with self.assertRaises(ApplicationError) as ctx:
            qc.checklist_create(user=self.staff["manager"], data=self.data())
        self.assertIn("service_type", ctx.exception.fields)

    def test_only_head_office_keeps_the_default_lists(self):
        with self.assertRaises(ApplicationError) as ctx:
            qc.checklist_create(user=self.staff["manager"], data=self.data(service_point_id=None))
        self.assertIn("service_point_id", ctx.exception.fields)
        default = qc.checklist_create(user=self.staff["hq"], data=self.data(service_point_id=None))
        with self.assertRaises(PermissionDeniedError):
            qc.checklist_update(user=self.staff["manager"], pk=default.pk, data={"name": "Mine now"})
        with self.assertRaises(PermissionDeniedError):
            qc.checklist_delete(user=self.staff["manager"], pk=default.pk)
        self.assertEqual(QcChecklist.objects.get(pk=default.pk).name, "Repairs")

    def test_another_points_list_is_not_found(self):
        theirs = qc.checklist_create(user=self.staff["manager_b"], data=self.data(service_point_id=self.org["b"].pk))
        with self.assertRaises(NotFoundError):
            qc.checklist_update(user=self.staff["manager"], pk=theirs.pk, data={"name": "x"})

    def test_inspector_cannot_keep_lists(self):
        own = qc.checklist_create(user=self.staff["manager"], data=self.data())
        with self.assertRaises(PermissionDeniedError):
            qc.checklist_update(user=self.staff["inspector"], pk=own.pk, data={"name": "x"})

    def test_bad_items(self):
        for items in ([], [""], "", [1, 2], ["x" * 201], [f"check {i}" for i in range(61)], ["a\x00"]):
            with self.subTest(items=items), self.assertRaises(ApplicationError) as ctx:
                qc.checklist_create(user=self.staff["manager"], data=self.data(items=items))
            self.assertIn("items", ctx.exception.fields)
        self.assertFalse(QcChecklist.objects.exists())

    def test_update_and_delete(self):
        own = qc.checklist_create(user=self.staff["manager"], data=self.data())
        qc.checklist_update(user=self.staff["manager"], pk=own.pk, data={"items": "Road test\nFluid levels",
                                                                         "is_active": False})
        own.refresh_from_db()
        self.assertEqual((own.items, own.is_active), (["Road test", "Fluid levels"], False))
        qc.checklist_delete(user=self.staff["manager"], pk=own.pk)
        self.assertFalse(QcChecklist.objects.filter(pk=own.pk).exists())
        self.assertEqual(AuditLog.objects.filter(object_id=str(own.pk), action="delete").count(), 1)
