"""The labour operation catalogue: API and pages with their permissions, and its rules."""

import json
from decimal import Decimal

from django.test import TestCase

from aftersales.core.errors import ApplicationError
from aftersales.core.testing import StandardAPITests, StandardViewTests, bearer
from aftersales.workshop.models import LabourOperation
from aftersales.workshop.services.catalogue import (
    labour_operation_create,
    labour_operation_delete,
    labour_operation_update,
)

from . import factories

PERMS = ["workshop.*_labouroperation"]


class LabourOperationAPITests(StandardAPITests):
    model = LabourOperation
    api_url = "/api/v1/labour-operations"
    permission_patterns = PERMS
    other_point_create_status = 201  # no point to be outside of

    @classmethod
    def make_object(cls, point):
        return factories.operation(code=f"OP-{point.code}", name=f"保养 {point.code}")

    def create_payload(self, point):
        return {"code": f"new-{point.code}", "name": "更换空调滤芯", "category": "maintenance",
                "standard_hours": "0.30"}

    def update_payload(self):
        return {"standard_hours": "0.80", "name": "更换机油机滤（含检查）"}

    def bad_payload(self):
        return {"code": "X1", "name": "x", "standard_hours": "0"}, "standard_hours"

    # Reference data: every holder of the permission sees the whole catalogue.
    def test_list_shows_own_points_only(self):
        response = self.call("get", self.api_url, self.permitted)
        self.assertEqual({item["id"] for item in response.json()["items"]}, {self.obj_a.pk, self.obj_b.pk})

    def test_detail_of_other_point_is_404(self):
        self.assertEqual(self.call("get", self.detail_url(self.obj_b), self.permitted).status_code, 200)
        self.assertEqual(self.call("get", f"{self.api_url}/{2**64}", self.permitted).status_code, 404)

    def test_update_of_other_point_is_404_and_changes_nothing(self):
        before = self.snapshot(self.obj_b)
        self.assertEqual(self.call("patch", f"{self.api_url}/999999", self.permitted,
                                   self.update_payload()).status_code, 404)
        self.assertEqual(self.snapshot(self.obj_b), before)

    def test_delete_of_other_point_is_404_and_deletes_nothing(self):
        self.assertEqual(self.call("delete", f"{self.api_url}/999999", self.permitted).status_code, 404)

    def test_create_at_other_point_is_refused_and_writes_nothing(self):
        self.skipTest("the catalogue belongs to no point")


class LabourOperationViewTests(StandardViewTests):
    model = LabourOperation
    list_url = "/workshop/operations/"
    create_url = "/workshop/operations/new/"
    permission_patterns = PERMS

    @classmethod
    def make_object(cls, point):
        return factories.operation(code=f"OP-{point.code}")

    def edit_url(self, obj):
        return f"/workshop/operations/{obj.pk}/edit/"

    def delete_url(self, obj):
        return f"/workshop/operations/{obj.pk}/delete/"

    def form_data(self, point):
        return {"code": f"N-{point.code}", "name": "四轮定位", "category": "chassis", "standard_hours": "1.00",
                "is_active": "on"}

    def edit_data(self, obj):
        return {"code": obj.code, "name": "四轮定位（含调整）", "category": "chassis", "standard_hours": "1.20",
                "is_active": "on"}

    def test_list_shows_own_points_only(self):
        self._login(self.permitted)
        response = self.client.get(self.list_url)
        self.assertContains(response, self.obj_a.get_absolute_url())
        self.assertContains(response, self.obj_b.get_absolute_url())

    def test_detail_of_other_point_is_404(self):
        self._login(self.permitted)
        self.assertEqual(self.client.get("/workshop/operations/999999/").status_code, 404)

    def test_edit_of_other_point_is_404_and_changes_nothing(self):
        self._login(self.permitted)
        self.assertEqual(self.client.post("/workshop/operations/999999/edit/", {}).status_code, 404)

    def test_delete_of_other_point_is_404(self):
        self._login(self.permitted)
        self.assertEqual(self.client.post("/workshop/operations/999999/delete/").status_code, 404)


class CatalogueRuleTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.org = factories.org()
        cls.manager = factories.staff(cls.org["a"], "point_manager")
        cls.advisor = factories.staff(cls.org["a"], "service_advisor")

    def test_codes_are_upper_case_and_unique(self):
        made = labour_operation_create(user=self.manager, data={"code": " pm-10k ", "name": "1万公里保养",
                                                                "category": "maintenance", "standard_hours": "1.2"})
        self.assertEqual((made.code, made.standard_hours), ("PM-10K", Decimal("1.20")))
        with self.assertRaises(ApplicationError) as caught:
            labour_operation_create(user=self.manager, data={"code": "PM-10k", "name": "重复", "standard_hours": "1"})
        self.assertEqual(list(caught.exception.fields), ["code"])
        for data, field in [({"code": "A B", "name": "x", "standard_hours": "1"}, "code"),
                            ({"code": "AB", "name": "", "standard_hours": "1"}, "name"),
                            ({"code": "AB", "name": "x", "standard_hours": "1000"}, "standard_hours"),
                            ({"code": "AB", "name": "x", "standard_hours": "1", "category": "magic"}, "category"),
                            ({"code": "A\x00", "name": "x", "standard_hours": "1"}, "code")]:
            with self.subTest(field), self.assertRaises(ApplicationError) as caught:
                labour_operation_create(user=self.manager, data=data)
            self.assertIn(field, caught.exception.fields)

    def test_advisors_read_but_do_not_keep_the_catalogue(self):
        with self.assertRaises(ApplicationError) as caught:
            labour_operation_create(user=self.advisor, data={"code": "X", "name": "x", "standard_hours": "1"})
        self.assertEqual(caught.exception.status, 403)
        response = self.client.post("/api/v1/labour-operations", data=json.dumps(
            {"code": "X", "name": "x", "standard_hours": "1"}), content_type="application/json",
            **bearer(self.advisor))
        self.assertEqual(response.status_code, 403)
        self.assertEqual(self.client.get("/api/v1/labour-operations", **bearer(self.advisor)).status_code, 200)

    def test_an_operation_in_use_is_deactivated_not_deleted(self):
        job = factories.operation()
        order = factories.work_order(self.org["a"])
        factories.line(order, kind="labour", operation=job)
        with self.assertRaises(ApplicationError) as caught:
            labour_operation_delete(user=self.manager, pk=job.pk)
        self.assertEqual((caught.exception.status, caught.exception.code), (409, "in_use"))
        self.assertTrue(LabourOperation.objects.filter(pk=job.pk).exists())
        labour_operation_update(user=self.manager, pk=job.pk, data={"is_active": False})
        self.assertFalse(LabourOperation.objects.get(pk=job.pk).is_active)
        from aftersales.workshop.services.lines import line_add

        with self.assertRaises(ApplicationError) as caught:
            line_add(user=self.advisor, order_id=order.pk, data={"kind": "labour", "operation_id": job.pk})
        self.assertIn("operation_id", caught.exception.fields)

    def test_filters(self):
        factories.operation(code="BRK-01", name="更换刹车片", category="chassis")
        factories.operation(code="OIL-01", name="更换机油", category="maintenance", is_active=False)
        headers = bearer(self.advisor)
        codes = lambda **params: [i["code"] for i in self.client.get(  # noqa: E731
            "/api/v1/labour-operations", params, **headers).json()["items"]]
        self.assertEqual(codes(q="刹车"), ["BRK-01"])
        self.assertEqual(codes(q="oil"), ["OIL-01"])
        self.assertEqual(codes(category="chassis"), ["BRK-01"])
        self.assertEqual(codes(active="false"), ["OIL-01"])
