"""The demo labour catalogue and work orders: made through the services, at every stage the advisor reaches."""

import datetime as dt
import random

from django.test import TestCase

from aftersales.demo.archives import create_archives
from aftersales.demo.organisation import create_organisation
from aftersales.demo.parts import create_parts_demo
from aftersales.demo.warranty import create_warranty_demo
from aftersales.demo.workshop import OPERATIONS, create_workshop_demo
from aftersales.parts.models import Stock
from aftersales.workshop.choices import ApprovalStatus, LineStatus, StockState, WorkOrderStatus
from aftersales.workshop.models import Approval, LabourOperation, WorkOrder, WorkOrderLine

TODAY = dt.date(2026, 11, 20)
S = WorkOrderStatus


class WorkshopDemoTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.org = create_organisation()
        create_archives(rng=random.Random(3), org=cls.org, customers=60, today=TODAY)
        create_parts_demo(rng=random.Random(3), org=cls.org, today=TODAY)
        create_warranty_demo(rng=random.Random(3), org=cls.org, today=TODAY)
        cls.counts = create_workshop_demo(rng=random.Random(3), org=cls.org, today=TODAY)

    def test_counts(self):
        self.assertEqual(self.counts["labour operations"], len(OPERATIONS))
        self.assertEqual(self.counts["labour operations"], LabourOperation.objects.count())
        self.assertEqual(self.counts["work orders"], WorkOrder.objects.count())
        self.assertEqual(self.counts["work orders"], 11)  # six at Shanghai, five at Hangzhou (no technician there)
        self.assertEqual(self.counts["work order lines"], WorkOrderLine.objects.count())

    def test_the_stages(self):
        shanghai = sorted(WorkOrder.objects.filter(service_point__code="SH-PD-4S").values_list("status", flat=True))
        self.assertEqual(shanghai, sorted([S.RECEPTION, S.AWAITING_APPROVAL, S.APPROVED, S.RECEPTION, S.IN_REPAIR,
                                           S.CANCELLED]))
        hangzhou = sorted(WorkOrder.objects.filter(service_point__code="HZ-XH-4S").values_list("status", flat=True))
        self.assertEqual(hangzhou, sorted([S.RECEPTION, S.AWAITING_APPROVAL, S.APPROVED, S.RECEPTION, S.CANCELLED]))
        self.assertEqual(set(WorkOrder.objects.values_list("advisor__username", flat=True)), {"advisor", "advisor2"})

    def test_the_approved_orders_hold_their_parts(self):
        for order in WorkOrder.objects.filter(status__in=[S.APPROVED, S.IN_REPAIR]):
            approval = order.approvals.get(kind="estimate")
            self.assertEqual(approval.status, ApprovalStatus.APPROVED)
            parts = order.lines.filter(kind="part", status=LineStatus.APPROVED)
            self.assertTrue(parts.exists())
            self.assertEqual(set(parts.values_list("stock_state", flat=True)), {StockState.RESERVED})
        reserved = sum(s.reserved for s in Stock.objects.all())
        expected = sum(ln.reserved_quantity for ln in WorkOrderLine.objects.all())
        self.assertEqual(reserved, expected)
        self.assertGreater(reserved, 0)

    def test_signatures_links_and_supplements(self):
        signed = Approval.objects.filter(method="signature")
        self.assertEqual(signed.count(), 2)
        self.assertTrue(all(a.signature.startswith("data:image/png;base64,") for a in signed))
        self.assertEqual(Approval.objects.filter(status=ApprovalStatus.PENDING, sent_at__isnull=False).count(), 3)
        supplement = Approval.objects.get(kind="supplement")
        self.assertEqual((supplement.status, supplement.work_order.status), (ApprovalStatus.PENDING, S.IN_REPAIR))
        declined = WorkOrder.objects.filter(status=S.RECEPTION, approvals__status=ApprovalStatus.DECLINED)
        self.assertEqual(declined.count(), 2)
        self.assertTrue(all(o.cancel_reason for o in WorkOrder.objects.filter(status=S.CANCELLED)))

    def test_every_order_has_its_reception_data(self):
        for order in WorkOrder.objects.all():
            self.assertIsNotNone(order.mileage_in)
            self.assertEqual(order.meter_reading.value, order.mileage_in)
            self.assertTrue(order.concerns)
            self.assertEqual(order.labour_rate, order.service_point.labour_rate)
