"""Pages of the quality check: the generated checklist page tests, the queue, the inspection form."""

from django.test import TestCase

from aftersales.core.testing import StandardViewTests
from aftersales.workshop.choices import JobStatus, WorkOrderStatus
from aftersales.workshop.models import QcChecklist, QcInspection, WorkOrder

from . import factories
from ._floor_helpers import checklist, jobs_of, order_at_qc, staff_of

S = WorkOrderStatus


class ChecklistViewTests(StandardViewTests):
    model = QcChecklist
    list_url = "/workshop/checklists/"
    create_url = "/workshop/checklists/new/"
    permission_patterns = ["workshop.*_qcchecklist"]

    @classmethod
    def make_object(cls, point):
        return QcChecklist.objects.create(service_type="repair", service_point=point, name=f"Repairs {point.code}",
                                          items=["Road test"])

    def edit_url(self, obj):
        return f"/workshop/checklists/{obj.pk}/edit/"

    def delete_url(self, obj):
        return f"/workshop/checklists/{obj.pk}/delete/"

    def form_data(self, point):
        return {"service_type": "inspection", "service_point": point.pk, "name": "Inspection",
                "items": "Lights\nBrakes", "is_active": "on"}

    def edit_data(self, obj):
        return {"service_type": obj.service_type, "service_point": obj.service_point_id, "name": "Renamed",
                "items": "Road test\nNo warning lights", "is_active": "on"}


class ChecklistPageRuleTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.org = factories.org()
        cls.staff = staff_of(cls.org)

    def test_errors_beside_the_fields(self):
        checklist(point=self.org["a"])
        self.client.force_login(self.staff["manager"])
        response = self.client.post("/workshop/checklists/new/", {"service_type": "repair",
                                                                  "service_point": self.org["a"].pk,
                                                                  "name": "Again", "items": "Road test"})
        self.assertEqual(response.status_code, 422)
        self.assertContains(response, 'data-field="service_type"', status_code=422)
        response = self.client.post("/workshop/checklists/new/", {"service_type": "repair",
                                                                  "service_point": self.org["a"].pk,
                                                                  "name": "Blank", "items": "\n \n"})
        self.assertContains(response, 'data-field="items"', status_code=422)
        self.assertEqual(QcChecklist.objects.count(), 1)

    def test_the_default_lists_are_head_offices(self):
        default = checklist()
        self.client.force_login(self.staff["manager"])
        self.assertEqual(self.client.get(f"/workshop/checklists/{default.pk}/").status_code, 200)
        self.assertEqual(self.client.post(f"/workshop/checklists/{default.pk}/edit/",
                                          {"name": "x"}).status_code, 403)
        self.assertEqual(self.client.post(f"/workshop/checklists/{default.pk}/delete/").status_code, 403)
        self.client.force_login(self.staff["hq"])
        response = self.client.post("/workshop/checklists/new/", {"service_type": "inspection", "service_point": "",
                                                                  "name": "Default inspection", "items": "Lights"})
        self.assertEqual(response.status_code, 302)
        self.assertTrue(QcChecklist.objects.filter(service_point__isnull=True, service_type="inspection").exists())


class QcPagesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.org = factories.org()
        cls.staff = staff_of(cls.org)
        checklist(items=["Road test", "No warning lights"])

    def setUp(self):
        self.order = order_at_qc(self.org["a"], self.staff, hours=("1.00", "1.00"))
        self.client.force_login(self.staff["inspector"])

    def test_queue_shows_the_points_orders(self):
        other = order_at_qc(self.org["b"], {**self.staff, "advisor": self.staff["advisor_b"],
                                            "tech": self.staff["tech_b"]})
        response = self.client.get("/workshop/qc/")
        self.assertContains(response, f'data-order="{self.order.pk}"')
        self.assertNotContains(response, f'data-order="{other.pk}"')

    def test_fail_with_a_reason_then_pass(self):
        url = f"/workshop/qc/{self.order.pk}/"
        page = self.client.get(url)
        self.assertContains(page, "Road test")
        self.assertContains(page, 'name="redo"', count=2)
        first, second = jobs_of(self.order)
        response = self.client.post(url, {"ok_0": "0", "note_0": "pulls left", "ok_1": "1"})
        self.assertEqual(response.status_code, 422)
        self.assertContains(response, 'data-field="reasons"', status_code=422)
        response = self.client.post(url, {"ok_0": "0", "note_0": "pulls left", "ok_1": "1",
                                          "reasons": "Alignment off", "redo": [second.pk]})
        self.assertRedirects(response, "/workshop/qc/", fetch_redirect_response=False)
        order = WorkOrder.objects.get(pk=self.order.pk)
        self.assertEqual((order.status, order.rework_count), (S.IN_REPAIR, 1))
        second.refresh_from_db()
        self.assertEqual(second.job_status, JobStatus.WAITING)
        self.assertEqual(QcInspection.objects.get().results[0], {"item": "Road test", "ok": False, "note": "pulls left"})
        detail = self.client.get(order.get_absolute_url())
        self.assertContains(detail, 'data-passed="false"')
        self.assertContains(detail, "Alignment off")

    def test_every_check_needs_an_answer(self):
        response = self.client.post(f"/workshop/qc/{self.order.pk}/", {"ok_0": "1"})
        self.assertEqual(response.status_code, 422)
        self.assertFalse(QcInspection.objects.exists())

    def test_who_inspects(self):
        url = f"/workshop/qc/{self.order.pk}/"
        for who, status in (("advisor", 403), ("cashier", 403), ("tech", 403), ("inspector_b", 404)):
            with self.subTest(who=who):
                self.client.force_login(self.staff[who])
                self.assertEqual(self.client.post(url, {"ok_0": "1", "ok_1": "1"}).status_code, status)
        self.assertFalse(QcInspection.objects.exists())
        self.client.force_login(self.staff["inspector"])
        self.assertEqual(self.client.post(url, {"ok_0": "1", "ok_1": "1"}).status_code, 302)
        self.assertEqual(WorkOrder.objects.get(pk=self.order.pk).status, S.READY_FOR_SETTLEMENT)
