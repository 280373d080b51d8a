"""The shared factories give coherent orders (other stages' tests rely on these shapes)."""

from decimal import Decimal

from django.test import TestCase

from aftersales.workshop.choices import ApprovalStatus, LineStatus, WorkOrderStatus

from . import factories


class FactoryTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.org = factories.org()

    def test_reception_order_has_no_lines(self):
        order = factories.work_order(self.org["a"])
        self.assertEqual(order.status, WorkOrderStatus.RECEPTION)
        self.assertEqual(order.lines.count(), 0)
        self.assertEqual(order.labour_rate, Decimal("100.00"))

    def test_awaiting_order_has_pending_estimate_and_proposed_line(self):
        order = factories.work_order(self.org["a"], status=WorkOrderStatus.AWAITING_APPROVAL)
        self.assertEqual(list(order.approvals.values_list("status", flat=True)), [ApprovalStatus.PENDING])
        self.assertEqual(list(order.lines.values_list("status", flat=True)), [LineStatus.PROPOSED])
        self.assertEqual(order.total_a, Decimal("100.00"))

    def test_approved_order_lines_are_approved_with_the_estimate(self):
        oil = factories.part_in_stock(self.org["a"], price="80.00")
        order = factories.work_order(self.org["a"], status=WorkOrderStatus.IN_REPAIR,
                                     lines=[{"kind": "labour"}, {"kind": "part", "part": oil, "quantity": 2,
                                                                 "pay_type": "C"}])
        estimate = order.approvals.get()
        self.assertEqual(estimate.status, ApprovalStatus.APPROVED)
        self.assertEqual(set(order.lines.values_list("status", "approval_id")), {(LineStatus.APPROVED, estimate.pk)})
        order.refresh_from_db()
        self.assertEqual((order.total_a, order.total_c), (Decimal("100.00"), Decimal("160.00")))
        self.assertEqual(estimate.amount, Decimal("100.00"))

    def test_staff_holds_the_default_role(self):
        from aftersales.accounts.access import has_permission

        advisor = factories.staff(self.org["a"], "service_advisor")
        tech = factories.staff(self.org["a"], "technician")
        self.assertTrue(has_permission(advisor, "workshop.add_workorder"))
        self.assertFalse(has_permission(tech, "workshop.add_workorder"))

    def test_order_through_the_services(self):
        advisor = factories.staff(self.org["a"], "service_advisor")
        oil = factories.part_in_stock(self.org["a"], on_hand=3)
        order = factories.order_through(self.org["a"], user=advisor, lines=[
            {"kind": "part", "part_id": oil.pk, "quantity": "2"}])
        self.assertEqual(order.status, WorkOrderStatus.APPROVED)
        self.assertEqual(order.lines.get().stock_state, "reserved")
        self.assertEqual(factories.order_through(self.org["a"], user=advisor, to="awaiting_approval").status,
                         WorkOrderStatus.AWAITING_APPROVAL)
        self.assertEqual(factories.order_through(self.org["a"], user=advisor, to="cancelled").status,
                         WorkOrderStatus.CANCELLED)
        with self.assertRaises(ValueError):
            factories.order_through(self.org["a"], user=advisor, to="in_repair")
