"""API of work orders: the generated permission tests, reception in one call, bad input, the timeline."""

import json
from decimal import Decimal

from django.test import TestCase

from aftersales.assets.models import MeterReading
from aftersales.core.testing import StandardAPITests, bearer
from aftersales.customers.models import CustomerPointLink
from aftersales.workshop.choices import WorkOrderStatus
from aftersales.workshop.models import WorkOrder, WorkOrderDamage, WorkOrderLine

from . import factories

PERMS = ["workshop.*", "assets.view_*", "customers.view_customer", "appointments.view_*", "parts.view_*"]


class WorkOrderAPITests(StandardAPITests):
    model = WorkOrder
    api_url = "/api/v1/work-orders"
    permission_patterns = PERMS
    actions = {"list", "detail", "create", "update"}

    @classmethod
    def make_object(cls, point):
        point.labour_rate = Decimal("100.00")
        point.save(update_fields=["labour_rate"])
        return factories.work_order(point)

    def create_payload(self, point):
        owner, car = factories.customer_with_vehicle(point, mileage=10000)
        return {"service_point_id": point.pk, "asset_id": car.pk, "service_type": "periodic_maintenance",
                "mileage": 15000, "fuel_level": 40, "concerns": "保养", "lines": [
                    {"kind": "other", "description": "检测", "quantity": "1", "unit_price": "50.00"}]}

    def update_payload(self):
        return {"concerns": "刹车异响", "fuel_level": 75}

    def bad_payload(self):
        owner, car = factories.customer_with_vehicle(self.point_a, mileage=30000)
        return {"service_point_id": self.point_a.pk, "asset_id": car.pk, "service_type": "repair",
                "mileage": 29000}, "mileage"


def _post(client, url, user, data):
    return client.post(url, data=json.dumps(data), content_type="application/json", **bearer(user))


class ReceptionAPITests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.org = factories.org()
        cls.advisor = factories.staff(cls.org["a"], "service_advisor")
        cls.owner, cls.car = factories.customer_with_vehicle(cls.org["b"], mileage=20000)  # home point B
        CustomerPointLink.objects.create(customer=cls.owner, service_point=cls.org["a"])
        cls.oil = factories.part_in_stock(cls.org["a"], on_hand=5, price="80.00")
        cls.job = factories.operation(hours="1.50")

    def test_walk_in_with_damage_and_lines_in_one_call(self):
        response = _post(self.client, "/api/v1/work-orders", self.advisor, {
            "service_point_id": self.org["a"].pk, "asset_id": self.car.pk, "service_type": "repair",
            "mileage": 21000, "fuel_level": 30, "valuables": "行车记录仪", "concerns": "怠速抖动",
            "damages": [{"area": "front_bumper", "kind": "scratch", "description": "左侧划痕"}],
            "lines": [{"kind": "labour", "operation_id": self.job.pk},
                      {"kind": "part", "part_id": self.oil.pk, "quantity": "2"},
                      {"kind": "sublet", "description": "外协四轮定位", "quantity": "1", "unit_price": "120.50",
                       "pay_type": "D"}]})
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        order = WorkOrder.objects.get(pk=body["id"])
        year = order.opened_at.year
        self.assertEqual(order.number, f"WOA{year}000001")
        self.assertEqual(body["status"], WorkOrderStatus.RECEPTION)
        self.assertEqual(order.advisor, self.advisor)
        self.assertEqual(order.mileage_in, 21000)
        self.assertEqual(MeterReading.objects.get(pk=order.meter_reading_id).value, 21000)
        self.assertEqual(list(order.damages.values_list("area", "kind")), [("front_bumper", "scratch")])
        self.assertEqual([(ln["kind"], ln["quantity"], ln["unit_price"], ln["amount"]) for ln in body["lines"]], [
            ("labour", "1.50", "100.00", "150.00"), ("part", "2.00", "80.00", "160.00"),
            ("sublet", "1.00", "120.50", "120.50")])
        self.assertEqual((body["total_a"], body["total_d"], body["amount_due"]), ("310.00", "120.50", "310.00"))
        self.assertEqual(len(order.status_token), 32)
        self.assertEqual(order.labour_rate, Decimal("100.00"))

    def test_a_bad_line_writes_nothing(self):
        before = (WorkOrder.objects.count(), WorkOrderLine.objects.count(), WorkOrderDamage.objects.count(),
                  MeterReading.objects.count())
        response = _post(self.client, "/api/v1/work-orders", self.advisor, {
            "service_point_id": self.org["a"].pk, "asset_id": self.car.pk, "service_type": "repair",
            "mileage": 21000, "damages": [{"area": "roof", "kind": "dent"}],
            "lines": [{"kind": "labour", "operation_id": self.job.pk},
                      {"kind": "part", "part_id": self.oil.pk, "quantity": "-1"}]})
        self.assertEqual(response.status_code, 422, response.content)
        self.assertIn("lines.1.quantity", response.json()["fields"])
        self.assertEqual((WorkOrder.objects.count(), WorkOrderLine.objects.count(), WorkOrderDamage.objects.count(),
                          MeterReading.objects.count()), before)

    def test_bad_input_is_422_never_500(self):
        point = self.org["a"].pk
        cases = [
            ({"service_point_id": point, "asset_id": 2**70, "service_type": "repair"}, "asset_id"),
            ({"service_point_id": point, "asset_id": self.car.pk, "service_type": "repair", "concerns": "a\x00b"},
             "concerns"),
            ({"service_point_id": point, "asset_id": self.car.pk, "service_type": "bogus"}, "service_type"),
            ({"service_point_id": point, "asset_id": self.car.pk, "service_type": "repair",
              "promised_at": "2001-01-01T10:00:00"}, "promised_at"),
            ({"service_point_id": point, "asset_id": self.car.pk, "service_type": "repair",
              "lines": [{"kind": "part", "part_id": 2**63, "quantity": "1"}]}, "lines.0.part_id"),
            ({"service_point_id": point, "asset_id": self.car.pk, "service_type": "repair",
              "lines": [{"kind": "other", "description": "x", "quantity": "1", "unit_price": "1.234"}]},
             "lines.0.unit_price"),
            ({"service_point_id": point, "asset_id": self.car.pk, "service_type": "repair",
              "lines": [{"kind": "labour", "description": "诊断"}]}, "lines.0.quantity"),
            ({"service_point_id": point, "asset_id": "abc", "service_type": "repair"}, "asset_id"),
            ({"service_point_id": self.org["c"].pk, "asset_id": self.car.pk, "service_type": "repair"},
             "service_point_id"),
        ]
        for payload, field in cases:
            with self.subTest(field=field):
                response = _post(self.client, "/api/v1/work-orders", self.advisor, payload)
                self.assertEqual(response.status_code, 422, response.content)
                self.assertIn(field, response.json()["fields"])
        self.assertEqual(WorkOrder.objects.count(), 0)

    def test_the_customer_archive_becomes_visible_at_the_point(self):
        owner, car = factories.customer_with_vehicle(self.org["a"], mileage=None)
        order = factories.work_order(self.org["a"], asset=car)  # noqa: F841 - an order of its own point
        response = _post(self.client, "/api/v1/work-orders", self.advisor, {
            "service_point_id": self.org["a"].pk, "asset_id": self.car.pk, "service_type": "repair"})
        self.assertEqual(response.status_code, 201, response.content)
        self.assertTrue(CustomerPointLink.objects.filter(customer=self.owner, service_point=self.org["a"]).exists())

    def test_status_is_read_only_in_patch(self):
        order = factories.work_order(self.org["a"])
        response = self.client.patch(f"/api/v1/work-orders/{order.pk}", data=json.dumps(
            {"status": "delivered", "diagnosis": "点火线圈故障"}), content_type="application/json",
            **bearer(self.advisor))
        self.assertEqual(response.status_code, 200, response.content)
        order.refresh_from_db()
        self.assertEqual((order.status, order.diagnosis), (WorkOrderStatus.RECEPTION, "点火线圈故障"))

    def test_events_timeline(self):
        order = factories.work_order(self.org["a"], status=WorkOrderStatus.AWAITING_APPROVAL)
        response = _post(self.client, f"/api/v1/work-orders/{order.pk}/revise", self.advisor, {"note": "客户要求加项"})
        self.assertEqual(response.status_code, 200, response.content)
        events = self.client.get(f"/api/v1/work-orders/{order.pk}/events", **bearer(self.advisor)).json()["items"]
        self.assertEqual([(e["kind"], e["from_status"], e["to_status"], e["actor_id"], e["note"]) for e in events],
                         [("revise", "awaiting_approval", "reception", self.advisor.pk, "客户要求加项")])

    def test_list_filters_and_query_count(self):
        other = factories.staff(self.org["a"], "service_advisor")
        car = factories.vehicle(self.owner, plate="沪B88888")
        wanted = factories.work_order(self.org["a"], asset=car, advisor=other)
        for _ in range(5):
            factories.work_order(self.org["a"], advisor=self.advisor)
        headers = bearer(self.advisor)
        self.client.get("/api/v1/work-orders", **headers)  # warm the token and the session
        with self.assertNumQueries(7):  # token; memberships, permissions, their types, points; plates; the page
            response = self.client.get("/api/v1/work-orders", {"q": "B888"}, **headers)
        self.assertEqual([row["id"] for row in response.json()["items"]], [wanted.pk])
        ids = [row["id"] for row in self.client.get("/api/v1/work-orders", {"advisor_id": other.pk},
                                                    **headers).json()["items"]]
        self.assertEqual(ids, [wanted.pk])
        ids = [row["id"] for row in self.client.get("/api/v1/work-orders", {"q": wanted.number.lower()},
                                                    **headers).json()["items"]]
        self.assertEqual(ids, [wanted.pk])

    def test_keyset_pages_cover_every_order_once(self):
        made = {factories.work_order(self.org["a"]).pk for _ in range(7)}
        headers = bearer(self.advisor)
        seen, cursor = [], None
        while True:
            params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
            body = self.client.get("/api/v1/work-orders", params, **headers).json()
            seen += [row["id"] for row in body["items"]]
            cursor = body["next_cursor"]
            if not cursor:
                break
        self.assertEqual(sorted(seen), sorted(made))
        self.assertEqual(len(seen), 7)
        bad = self.client.get("/api/v1/work-orders", {"cursor": "!!!"}, **headers)
        self.assertEqual(bad.status_code, 422)
