"""Lines: catalogue prices, free lines, pay types and their totals, the warranty verdict, when lines
may change (reception, supplements) and when not (approved, waiting for the customer)."""

import json
from decimal import Decimal

from django.test import TestCase

from aftersales.core.audit import history_for
from aftersales.core.errors import ApplicationError
from aftersales.core.testing import bearer
from aftersales.workshop.choices import LineStatus, WarrantyStatus, WorkOrderStatus
from aftersales.workshop.models import WorkOrder, WorkOrderLine
from aftersales.workshop.services import approvals, lines
from aftersales.workshop.services.orders import work_order_update

from . import factories

S = WorkOrderStatus


class LineTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.org = factories.org()
        cls.point = cls.org["a"]
        cls.advisor = factories.staff(cls.point, "service_advisor")
        cls.oil = factories.part_in_stock(cls.point, price="80.00")
        cls.job = factories.operation(hours="1.50")

    def order(self, **kw):
        return factories.work_order(self.point, advisor=self.advisor, **kw)

    def add(self, order, **data):
        return lines.line_add(user=self.advisor, order_id=order.pk, data=data)


class PricingTests(LineTestCase):
    def test_catalogue_labour_is_standard_hours_at_the_labour_rate(self):
        line = self.add(self.order(labour_rate=Decimal("180.00")), kind="labour", operation_id=self.job.pk)
        self.assertEqual((line.quantity, line.unit_price, line.amount, line.description),
                         (Decimal("1.50"), Decimal("180.00"), Decimal("270.00"), self.job.name))

    def test_catalogue_prices_cannot_be_typed_over(self):
        order = self.order()
        for data, field in [({"operation_id": self.job.pk, "quantity": "3"}, "quantity"),
                            ({"operation_id": self.job.pk, "unit_price": "1.00"}, "unit_price")]:
            with self.subTest(field), self.assertRaises(ApplicationError) as caught:
                self.add(order, kind="labour", **data)
            self.assertIn(field, caught.exception.fields)
        with self.assertRaises(ApplicationError) as caught:
            self.add(order, kind="part", part_id=self.oil.pk, quantity="1", unit_price="10.00")
        self.assertIn("unit_price", caught.exception.fields)
        # sending the catalogue's own value is fine
        line = self.add(order, kind="labour", operation_id=self.job.pk, quantity="1.50")
        self.assertEqual(line.amount, Decimal("150.00"))

    def test_a_part_is_charged_at_its_sale_price(self):
        line = self.add(self.order(), kind="part", part_id=self.oil.pk, quantity="3")
        self.assertEqual((line.unit_price, line.amount, line.description), (Decimal("80.00"), Decimal("240.00"),
                                                                            self.oil.name))

    def test_free_labour_needs_hours_and_a_price(self):
        order = self.order()
        for data, field in [({"description": "诊断"}, "quantity"), ({"description": "诊断", "quantity": "1"},
                                                                    "unit_price"),
                            ({"quantity": "1", "unit_price": "50"}, "description")]:
            with self.subTest(field), self.assertRaises(ApplicationError) as caught:
                self.add(order, kind="labour", **data)
            self.assertIn(field, caught.exception.fields)
        line = self.add(order, kind="labour", description="电路诊断", quantity="0.5", unit_price="200.00")
        self.assertEqual(line.amount, Decimal("100.00"))

    def test_bad_numbers_are_refused(self):
        order = self.order()
        for value in ("0", "-1", "abc", "1e400", "NaN", "1.234", "100000", True):
            with self.subTest(value=value), self.assertRaises(ApplicationError) as caught:
                self.add(order, kind="other", description="x", quantity=value, unit_price="1.00")
            self.assertEqual(caught.exception.status, 422)
        self.assertEqual(order.lines.count(), 0)

    def test_inactive_or_unknown_catalogue_entries_are_refused(self):
        order = self.order()
        old = factories.operation(is_active=False)
        gone = factories.part(is_active=False)
        for data, field in [({"kind": "labour", "operation_id": old.pk}, "operation_id"),
                            ({"kind": "part", "part_id": gone.pk, "quantity": "1"}, "part_id"),
                            ({"kind": "part", "part_id": 2**63, "quantity": "1"}, "part_id"),
                            ({"kind": "part", "quantity": "1"}, "part_id"),
                            ({"kind": "other", "part_id": self.oil.pk, "description": "x", "quantity": "1",
                              "unit_price": "1"}, "part_id"),
                            ({"kind": "nonsense"}, "kind"), ({"kind": "other", "pay_type": "E"}, "pay_type")]:
            with self.subTest(field), self.assertRaises(ApplicationError) as caught:
                self.add(order, **data)
            self.assertIn(field, caught.exception.fields)

    def test_totals_per_pay_type_are_exact(self):
        order = self.order()
        self.add(order, kind="labour", operation_id=self.job.pk)  # A 150.00
        self.add(order, kind="part", part_id=self.oil.pk, quantity="1.5", pay_type="B")  # B 120.00
        self.add(order, kind="other", description="环保费", quantity="3", unit_price="0.33", pay_type="A")  # A 0.99
        self.add(order, kind="sublet", description="外协", quantity="1", unit_price="333.33", pay_type="C")
        self.add(order, kind="other", description="内部", quantity="2", unit_price="12.50", pay_type="D")
        order.refresh_from_db()
        self.assertEqual((order.total_a, order.total_b, order.total_c, order.total_d, order.amount_due),
                         (Decimal("150.99"), Decimal("120.00"), Decimal("333.33"), Decimal("25.00"),
                          Decimal("150.99")))

    def test_every_change_is_audited(self):
        order = self.order()
        line = self.add(order, kind="other", description="洗车", quantity="1", unit_price="30.00")
        lines.line_update(user=self.advisor, order_id=order.pk, line_id=line.pk, data={"unit_price": "35.00"})
        lines.line_remove(user=self.advisor, order_id=order.pk, line_id=line.pk)
        self.assertEqual([row.action for row in history_for(line)], ["delete", "update", "create"])


class WarrantyTests(LineTestCase):
    def test_a_covered_c_line_keeps_the_coverage_and_the_reasons(self):
        order = self.order(mileage_in=20000)
        cover = factories.coverage(order.asset, distance_limit=100000)
        line = self.add(order, kind="labour", operation_id=self.job.pk, pay_type="C")
        self.assertEqual((line.warranty_status, line.coverage), (WarrantyStatus.COVERED, cover))
        self.assertTrue(any("applies" in reason for reason in line.warranty_reasons), line.warranty_reasons)

    def test_a_c_line_without_coverage_is_not_covered_and_cannot_go_to_the_customer_as_c(self):
        order = self.order()
        line = self.add(order, kind="labour", operation_id=self.job.pk, pay_type="C")
        self.assertEqual((line.warranty_status, line.coverage), (WarrantyStatus.NOT_COVERED, None))
        self.assertEqual(len(line.warranty_reasons), 1)
        with self.assertRaises(ApplicationError) as caught:
            approvals.estimate_submit(user=self.advisor, order_id=order.pk)
        self.assertEqual(caught.exception.status, 422)
        self.assertEqual(list(caught.exception.fields), [f"lines.{line.sequence}.pay_type"])
        self.assertEqual(WorkOrder.objects.get(pk=order.pk).status, S.RECEPTION)
        # as a customer-paid line it can
        lines.line_update(user=self.advisor, order_id=order.pk, line_id=line.pk, data={"pay_type": "A"})
        self.assertEqual(WorkOrderLine.objects.get(pk=line.pk).warranty_status, WarrantyStatus.NOT_CHECKED)
        approvals.estimate_submit(user=self.advisor, order_id=order.pk)
        self.assertEqual(WorkOrder.objects.get(pk=order.pk).status, S.AWAITING_APPROVAL)

    def test_a_wear_part_is_excluded(self):
        from aftersales.warranty.models import WarrantyExclusion

        WarrantyExclusion.objects.create(kind="wear_part")
        order = self.order(mileage_in=20000)
        factories.coverage(order.asset)
        pads = factories.part(name="刹车片", is_wear_part=True)
        line = self.add(order, kind="part", part_id=pads.pk, quantity="1", pay_type="C")
        self.assertEqual(line.warranty_status, WarrantyStatus.NOT_COVERED)
        self.assertTrue(any("易损件" in reason for reason in line.warranty_reasons), line.warranty_reasons)

    def test_the_distance_limit_follows_the_reception_mileage(self):
        order = self.order(mileage_in=None)
        order.asset.readings.all().delete()
        factories.coverage(order.asset, distance_limit=60000)
        work_order_update(user=self.advisor, pk=order.pk, data={"mileage": 50000})
        line = self.add(order, kind="labour", operation_id=self.job.pk, pay_type="C")
        self.assertEqual(line.warranty_status, WarrantyStatus.COVERED)
        work_order_update(user=self.advisor, pk=order.pk, data={"mileage": 70000})
        line.refresh_from_db()
        self.assertEqual(line.warranty_status, WarrantyStatus.NOT_COVERED)

    def test_the_verdict_is_shown_on_the_page(self):
        order = self.order(mileage_in=20000)
        factories.coverage(order.asset)
        self.add(order, kind="labour", operation_id=self.job.pk, pay_type="C")
        self.client.force_login(self.advisor)
        page = self.client.get(order.get_absolute_url())
        self.assertContains(page, 'data-warranty="covered"')
        self.assertContains(page, "applies")


class EditingTests(LineTestCase):
    def test_lines_are_locked_while_the_customer_decides_and_once_approved(self):
        order = self.order()
        line = self.add(order, kind="other", description="检测", quantity="1", unit_price="50.00")
        approvals.estimate_submit(user=self.advisor, order_id=order.pk)
        for call in (lambda: lines.line_update(user=self.advisor, order_id=order.pk, line_id=line.pk,
                                               data={"quantity": "2"}),
                     lambda: lines.line_remove(user=self.advisor, order_id=order.pk, line_id=line.pk),
                     lambda: self.add(order, kind="other", description="x", quantity="1", unit_price="1")):
            with self.assertRaises(ApplicationError) as caught:
                call()
            self.assertEqual(caught.exception.status, 409)
        approved = self.order(status=S.APPROVED)
        with self.assertRaises(ApplicationError) as caught:
            lines.line_update(user=self.advisor, order_id=approved.pk, line_id=approved.lines.get().pk,
                              data={"description": "改"})
        self.assertEqual((caught.exception.status, caught.exception.code), (409, "line_locked"))
        self.assertEqual(WorkOrderLine.objects.get(pk=line.pk).quantity, Decimal("1.00"))

    def test_no_lines_after_the_repair(self):
        for status in (S.QUALITY_CHECK, S.READY_FOR_SETTLEMENT, S.SETTLED, S.DELIVERED, S.CANCELLED):
            order = self.order(status=status)
            with self.subTest(status), self.assertRaises(ApplicationError) as caught:
                self.add(order, kind="other", description="x", quantity="1", unit_price="1")
            self.assertEqual(caught.exception.status, 409)

    def test_the_kind_and_catalogue_entry_stay(self):
        order = self.order()
        line = self.add(order, kind="part", part_id=self.oil.pk, quantity="1")
        with self.assertRaises(ApplicationError) as caught:
            lines.line_update(user=self.advisor, order_id=order.pk, line_id=line.pk, data={"kind": "labour"})
        self.assertIn("kind", caught.exception.fields)

    def test_a_line_of_another_order_is_404(self):
        order, other = self.order(), self.order()
        line = self.add(other, kind="other", description="x", quantity="1", unit_price="1")
        with self.assertRaises(ApplicationError) as caught:
            lines.line_remove(user=self.advisor, order_id=order.pk, line_id=line.pk)
        self.assertEqual(caught.exception.status, 404)


class LineAPITests(LineTestCase):
    """The line endpoints by hand (nested under the order): 401, 403, 404 at another point, 422, 409."""

    def setUp(self):
        self.order_a = self.order()
        self.line_a = factories.line(self.order_a, kind="other", description="洗车", unit_price="30.00")
        self.order_b = factories.work_order(self.org["b"])
        self.line_b = factories.line(self.order_b, kind="other", description="洗车", unit_price="30.00")

    def call(self, method, url, user=None, data=None):
        headers = bearer(user) if user else {}
        return getattr(self.client, method)(url, data=json.dumps(data) if data is not None else None,
                                            content_type="application/json", **headers)

    def lines_of(self, order):
        return list(WorkOrderLine.objects.filter(work_order=order).order_by("id").values_list(
            "id", "description", "quantity", "unit_price"))

    def test_add(self):
        url = f"/api/v1/work-orders/{self.order_a.pk}/lines"
        payload = {"kind": "labour", "operation_id": self.job.pk}
        before = self.lines_of(self.order_a)
        self.assertEqual(self.call("post", url, None, payload).status_code, 401)
        for role in ("technician", "cashier", "qc_inspector", "parts_clerk"):
            with self.subTest(role):
                self.assertEqual(self.call("post", url, factories.staff(self.point, role), payload).status_code, 403)
        self.assertEqual(self.call("post", f"/api/v1/work-orders/{self.order_b.pk}/lines", self.advisor,
                                   payload).status_code, 404)
        self.assertEqual(self.lines_of(self.order_a), before)
        bad = self.call("post", url, self.advisor, {"kind": "other", "description": "x", "quantity": "-2",
                                                    "unit_price": "1"})
        self.assertEqual((bad.status_code, list(bad.json()["fields"])), (422, ["quantity"]))
        bad = self.call("post", url, self.advisor, {"kind": "other", "description": "x\x00", "quantity": "1",
                                                    "unit_price": "1"})
        self.assertEqual((bad.status_code, list(bad.json()["fields"])), (422, ["description"]))
        self.assertEqual(self.lines_of(self.order_a), before)
        created = self.call("post", url, self.advisor, payload)
        self.assertEqual(created.status_code, 201, created.content)
        self.assertEqual((created.json()["amount"], created.json()["status"]), ("150.00", "proposed"))

    def test_change(self):
        url = f"/api/v1/work-orders/{self.order_a.pk}/lines/{self.line_a.pk}"
        before = self.lines_of(self.order_a)
        self.assertEqual(self.call("patch", url, None, {"quantity": "2"}).status_code, 401)
        self.assertEqual(self.call("patch", url, factories.staff(self.point, "technician"),
                                   {"quantity": "2"}).status_code, 403)
        self.assertEqual(self.call("patch", f"/api/v1/work-orders/{self.order_b.pk}/lines/{self.line_b.pk}",
                                   self.advisor, {"quantity": "2"}).status_code, 404)
        self.assertEqual(self.call("patch", f"/api/v1/work-orders/{self.order_a.pk}/lines/{self.line_b.pk}",
                                   self.advisor, {"quantity": "2"}).status_code, 404)
        self.assertEqual(self.call("patch", f"/api/v1/work-orders/{self.order_a.pk}/lines/{2**64}",
                                   self.advisor, {"quantity": "2"}).status_code, 404)
        self.assertEqual(self.call("patch", url, self.advisor, {"quantity": "abc"}).status_code, 422)
        self.assertEqual(self.lines_of(self.order_a), before)
        response = self.call("patch", url, self.advisor, {"quantity": "2"})
        self.assertEqual((response.status_code, response.json()["amount"]), (200, "60.00"))

    def test_remove(self):
        url = f"/api/v1/work-orders/{self.order_a.pk}/lines/{self.line_a.pk}"
        self.assertEqual(self.call("delete", url).status_code, 401)
        self.assertEqual(self.call("delete", url, factories.staff(self.point, "cashier")).status_code, 403)
        self.assertEqual(self.call("delete", f"/api/v1/work-orders/{self.order_b.pk}/lines/{self.line_b.pk}",
                                   self.advisor).status_code, 404)
        self.assertEqual(len(self.lines_of(self.order_a)), 1)
        self.assertEqual(len(self.lines_of(self.order_b)), 1)
        self.assertEqual(self.call("delete", url, self.advisor).status_code, 204)
        self.assertEqual(self.lines_of(self.order_a), [])
        self.assertEqual(WorkOrder.objects.get(pk=self.order_a.pk).total_a, Decimal("0.00"))

    def test_approved_line_is_409(self):
        approved = factories.work_order(self.point, status=S.APPROVED)
        line = approved.lines.get()
        response = self.call("delete", f"/api/v1/work-orders/{approved.pk}/lines/{line.pk}", self.advisor)
        self.assertEqual((response.status_code, response.json()["code"]), (409, "line_locked"))
        self.assertEqual(WorkOrderLine.objects.get(pk=line.pk).status, LineStatus.APPROVED)
