"""Pages of the cashier and of delivery: the lists, the settlement screen, discounts for managers, delivery."""

import datetime as dt
from decimal import Decimal

from django.test import TestCase
from django.utils import timezone

from aftersales.customers.models import Customer
from aftersales.workshop.choices import DiscountStatus, LineKind, OldParts, WorkOrderStatus
from aftersales.workshop.models import DiscountRequest, OldPart, Payment, WorkOrder

from . import factories
from ._floor_helpers import order_ready, staff_of

S = WorkOrderStatus


class CashierPagesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.org = factories.org()
        cls.staff = staff_of(cls.org)

    def setUp(self):
        self.order = order_ready(self.org["a"], self.staff, hours=("3.00",))
        self.screen = f"/workshop/cashier/{self.order.pk}/"
        self.client.force_login(self.staff["cashier"])

    def test_lists_ready_orders_and_open_balances_of_the_point(self):
        theirs = factories.work_order(self.org["b"], status=S.READY_FOR_SETTLEMENT)
        owing = factories.work_order(self.org["a"], status=S.DELIVERED)
        response = self.client.get("/workshop/cashier/")
        self.assertContains(response, f'data-order="{self.order.pk}"')
        self.assertNotContains(response, f'data-order="{theirs.pk}"')
        self.assertNotContains(response, f'data-order="{owing.pk}"')
        response = self.client.get("/workshop/cashier/", {"view": "balances"})
        self.assertContains(response, f'data-order="{owing.pk}"')
        response = self.client.get("/workshop/cashier/", {"export": "xlsx"})
        self.assertTrue(response["Content-Type"].startswith("application/vnd.openxmlformats"))

    def test_the_screen_shows_totals_per_pay_type_and_the_balance(self):
        response = self.client.get(self.screen)
        self.assertContains(response, 'data-pay-type="A"')
        self.assertContains(response, 'data-balance="300.00"')
        self.assertContains(response, 'id="settle" disabled')

    def test_two_payment_methods_then_settle(self):
        response = self.client.post(f"{self.screen}payment/", {"method": "wechat", "amount": "200", "reference": "WX9"})
        self.assertRedirects(response, self.screen, fetch_redirect_response=False)
        self.client.post(f"{self.screen}payment/", {"method": "cash", "amount": "100"})
        page = self.client.get(self.screen)
        self.assertContains(page, 'data-balance="0.00"')
        self.assertContains(page, 'data-method="wechat"')
        self.assertContains(page, 'data-method="cash"')
        response = self.client.post(f"{self.screen}settle/", {"note": "thanks"})
        self.assertRedirects(response, self.screen, fetch_redirect_response=False)
        self.assertEqual(WorkOrder.objects.get(pk=self.order.pk).status, S.SETTLED)

    def test_an_overpayment_is_shown_beside_the_amount(self):
        response = self.client.post(f"{self.screen}payment/", {"method": "cash", "amount": "300.01"})
        self.assertEqual(response.status_code, 409)
        self.assertContains(response, 'data-field="amount"', status_code=409)
        response = self.client.post(f"{self.screen}payment/", {"method": "cash", "amount": "abc"})
        self.assertEqual(response.status_code, 422)
        self.assertFalse(Payment.objects.exists())

    def test_settling_on_too_little_credit_is_refused_with_the_reason(self):
        self.client.post(f"{self.screen}payment/", {"method": "cash", "amount": "100"})
        response = self.client.post(f"{self.screen}settle/")
        self.assertEqual(response.status_code, 409)
        self.assertContains(response, "credit", status_code=409)
        Customer.objects.filter(pk=self.order.customer_id).update(credit_limit=Decimal("500"))
        self.assertEqual(self.client.post(f"{self.screen}settle/").status_code, 302)
        self.assertEqual(WorkOrder.objects.get(pk=self.order.pk).balance, Decimal("200.00"))

    def test_discount_within_and_above_the_limit(self):
        self.client.post(f"{self.screen}discount/", {"kind": "percent", "value": "5", "reason": "regular"})
        self.assertEqual(WorkOrder.objects.get(pk=self.order.pk).discount_amount, Decimal("15.00"))
        self.client.post(f"{self.screen}discount/", {"kind": "amount", "value": "60"})
        row = DiscountRequest.objects.get(status=DiscountStatus.PENDING)
        response = self.client.post(f"{self.screen}discount/", {"kind": "amount", "value": "400"})
        self.assertContains(response, 'data-field="value"', status_code=422)
        self.client.force_login(self.staff["manager"])
        page = self.client.get("/workshop/discounts/")
        self.assertContains(page, f'data-discount="{row.pk}"')
        response = self.client.post(f"/workshop/discounts/{row.pk}/decide/", {"decision": "approve", "note": "ok"})
        self.assertRedirects(response, "/workshop/discounts/", fetch_redirect_response=False)
        self.assertEqual(WorkOrder.objects.get(pk=self.order.pk).discount_amount, Decimal("60.00"))

    def test_who_may_use_the_cashier_pages(self):
        for who, status in (("advisor", 403), ("tech", 403), ("inspector", 403), ("parts", 403), ("cashier_b", 404)):
            with self.subTest(who=who):
                self.client.force_login(self.staff[who])
                self.assertEqual(self.client.post(f"{self.screen}payment/", {"method": "cash", "amount": "300"})
                                 .status_code, status)
                self.assertEqual(self.client.post(f"{self.screen}settle/").status_code, status)
        self.client.force_login(self.staff["cashier"])
        self.assertEqual(self.client.get("/workshop/discounts/").status_code, 403)
        self.assertFalse(Payment.objects.exists())
        self.assertEqual(WorkOrder.objects.get(pk=self.order.pk).status, S.READY_FOR_SETTLEMENT)


class DeliveryPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.org = factories.org()
        cls.staff = staff_of(cls.org)

    def setUp(self):
        self.order = factories.work_order(self.org["a"], status=S.SETTLED, lines=[
            {"kind": LineKind.LABOUR}, {"kind": LineKind.PART, "pay_type": "C", "description": "水泵"},
            {"kind": LineKind.PART, "description": "机油"}])
        self.url = f"/workshop/orders/{self.order.pk}/deliver/"
        self.client.force_login(self.staff["advisor"])

    def test_the_form_proposes_and_delivers(self):
        page = self.client.get(self.url)
        self.assertContains(page, "Work done:")
        warranty = self.order.lines.get(description="水泵")
        own = self.order.lines.get(description="机油")
        self.assertContains(page, f'name="old_part_{warranty.pk}"')
        next_date = (timezone.localdate() + dt.timedelta(days=120)).isoformat()
        response = self.client.post(self.url, {
            "notes": "Explained the pump and the oil change.", "next_service_date": next_date,
            "next_service_mileage": "20000", f"old_part_{warranty.pk}": "warranty", f"old_part_{own.pk}": "left"})
        self.assertRedirects(response, self.order.get_absolute_url(), fetch_redirect_response=False)
        order = WorkOrder.objects.get(pk=self.order.pk)
        self.assertEqual((order.status, order.next_service_mileage), (S.DELIVERED, 20000))
        self.assertEqual(OldPart.objects.get(line=own).disposition, OldParts.LEFT)
        detail = self.client.get(order.get_absolute_url())
        self.assertContains(detail, 'id="delivery-notes"')
        self.assertContains(detail, "Explained the pump")

    def test_errors_beside_the_fields(self):
        parts = {f"old_part_{line.pk}": "returned" for line in self.order.lines.filter(kind=LineKind.PART)}
        response = self.client.post(self.url, {"notes": "x", "next_service_date": "2001-01-01", **parts})
        self.assertEqual(response.status_code, 422)
        self.assertContains(response, 'data-field="next_service_date"', status_code=422)
        self.assertEqual(WorkOrder.objects.get(pk=self.order.pk).status, S.SETTLED)

    def test_who_delivers(self):
        for who, status in (("cashier", 403), ("tech", 403), ("advisor_b", 404)):
            with self.subTest(who=who):
                self.client.force_login(self.staff[who])
                self.assertEqual(self.client.post(self.url, {"notes": "x"}).status_code, status)
        self.assertEqual(WorkOrder.objects.get(pk=self.order.pk).status, S.SETTLED)
