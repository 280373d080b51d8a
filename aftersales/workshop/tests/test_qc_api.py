"""API of the quality check: the generated checklist tests, inspections."""

from django.test import TestCase

from aftersales.core.testing import StandardAPITests
from aftersales.workshop.choices import WorkOrderStatus
from aftersales.workshop.models import QcChecklist, QcInspection, WorkOrder

from . import factories
from ._floor_helpers import ApiCalls, checklist, jobs_of, order_at_qc, staff_of

S = WorkOrderStatus
API = "/api/v1"


class ChecklistAPITests(StandardAPITests):
    model = QcChecklist
    api_url = "/api/v1/qc-checklists"
    permission_patterns = ["workshop.*_qcchecklist"]

    @classmethod
    def make_object(cls, point):
        return QcChecklist.objects.create(service_type="repair", service_point=point, name=f"Repairs {point.code}",
                                          items=["Road test"])

    def create_payload(self, point):
        return {"service_type": "periodic_maintenance", "service_point_id": point.pk, "name": "Maintenance",
                "items": ["Fluid levels", "Tyre pressure"]}

    def update_payload(self):
        return {"items": ["Road test", "No warning lights"]}

    def bad_payload(self):
        return {"service_type": "repair", "service_point_id": self.point_a.pk, "name": "x", "items": []}, "items"


class ChecklistApiRuleTests(ApiCalls, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.org = factories.org()
        cls.staff = staff_of(cls.org)

    def test_defaults_are_seen_by_every_point_and_kept_by_head_office(self):
        body = {"service_type": "repair", "service_point_id": None, "name": "Default", "items": ["Road test"]}
        self.assertEqual(self.api("post", f"{API}/qc-checklists", self.staff["manager"], body).status_code, 422)
        created = self.api("post", f"{API}/qc-checklists", self.staff["hq"], body)
        self.assertEqual(created.status_code, 201, created.content)
        pk = created.json()["id"]
        listed = self.api("get", f"{API}/qc-checklists", self.staff["inspector_b"]).json()["items"]
        self.assertEqual([c["id"] for c in listed], [pk])
        response = self.api("patch", f"{API}/qc-checklists/{pk}", self.staff["manager"], {"name": "Mine"})
        self.assertEqual(response.status_code, 403)
        self.assertEqual(QcChecklist.objects.get(pk=pk).name, "Default")

    def test_bad_input(self):
        url = f"{API}/qc-checklists"
        for body in ({"service_type": "car wash", "name": "x", "items": ["a"], "service_point_id": self.org["a"].pk},
                     {"service_type": "repair", "name": "x", "items": ["a"], "service_point_id": 2**64},
                     {"service_type": "repair", "name": "x\x00", "items": ["a"], "service_point_id": self.org["a"].pk},
                     {"service_type": "repair", "name": "x", "items": "a", "service_point_id": self.org["a"].pk}):
            with self.subTest(body=body):
                self.assertEqual(self.api("post", url, self.staff["manager"], body).status_code, 422)
        self.assertFalse(QcChecklist.objects.exists())
        self.assertEqual(self.api("get", f"{url}/{2**64}", self.staff["manager"]).status_code, 404)


class InspectionApiTests(ApiCalls, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.org = factories.org()
        cls.staff = staff_of(cls.org)
        checklist(items=["Road test", "No warning lights"])

    def setUp(self):
        self.order = order_at_qc(self.org["a"], self.staff)
        self.url = f"{API}/work-orders/{self.order.pk}/inspections"

    def test_fail_then_pass(self):
        failing = {"results": [{"item": "Road test", "ok": False, "note": "pulls left"},
                               {"item": "No warning lights", "ok": True}], "reasons": "Alignment"}
        response = self.api("post", self.url, self.staff["inspector"], failing)
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        self.assertEqual((body["passed"], body["order_status"], body["rework_round"]), (False, S.IN_REPAIR, 0))
        self.assertEqual(body["redo_line_ids"], [line.pk for line in jobs_of(self.order)])
        listed = self.api("get", self.url, self.staff["advisor"])
        self.assertEqual([i["id"] for i in listed.json()["items"]], [body["id"]])
        self.assertEqual(self.api("get", self.url, self.staff["advisor_b"]).status_code, 404)

    def test_denied_and_bad_inspections_change_nothing(self):
        ok = {"results": [{"item": "Road test", "ok": True}, {"item": "No warning lights", "ok": True}]}
        cases = [(None, ok, 401), (self.staff["advisor"], ok, 403), (self.staff["cashier"], ok, 403),
                 (self.staff["tech"], ok, 403), (self.staff["inspector_b"], ok, 404),
                 (self.staff["inspector"], {"results": []}, 422),
                 (self.staff["inspector"], {"results": [{"item": "Road test", "ok": True}]}, 422),
                 (self.staff["inspector"], {"results": [{"item": "Road test", "ok": "perhaps"}]}, 422),
                 (self.staff["inspector"], {"results": ok["results"], "redo_line_ids": [2**64]}, 201)]
        for user, body, status in cases[:-1]:
            with self.subTest(user=user, body=body):
                self.assertEqual(self.api("post", self.url, user, body).status_code, status)
        self.assertFalse(QcInspection.objects.exists())
        self.assertEqual(WorkOrder.objects.get(pk=self.order.pk).status, S.QUALITY_CHECK)
        failing = {"results": [{"item": "Road test", "ok": False}, {"item": "No warning lights", "ok": True}],
                   "reasons": "x", "redo_line_ids": [2**64]}
        self.assertEqual(self.api("post", self.url, self.staff["inspector"], failing).status_code, 422)
        self.assertFalse(QcInspection.objects.exists())

    def test_inspecting_twice_is_a_conflict(self):
        ok = {"results": [{"item": "Road test", "ok": True}, {"item": "No warning lights", "ok": True}]}
        self.assertEqual(self.api("post", self.url, self.staff["inspector"], ok).status_code, 201)
        self.assertEqual(self.api("post", self.url, self.staff["inspector"], ok).status_code, 409)
        self.assertEqual(QcInspection.objects.count(), 1)
