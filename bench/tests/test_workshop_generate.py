"""The workshop generator must keep working as the models change: a small history, checked."""

from __future__ import annotations

import io
import unittest
from decimal import Decimal

from django.db import connection
from django.db.models import Count, Sum
from django.test import TestCase
from django.utils import timezone

from aftersales.workshop.models import Approval, Payment, WorkOrder, WorkOrderEvent, WorkOrderLine
from bench.generate import generate as generate_base
from bench.workshop_generate import generate


@unittest.skipUnless(connection.vendor == "postgresql", "the generator fills PostgreSQL with INSERT … SELECT")
class WorkshopGeneratorTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        generate_base(customers=300, seed=3, points=3, out=io.StringIO(), analyze=False)
        cls.report = generate(orders=600, open_per_point=12, appointments_per_point=4, seed=5, analyze=False,
                              out=io.StringIO())

    def test_counts_and_states(self):
        self.assertEqual(WorkOrder.objects.count(), 600 + 3 * 12)
        states = dict(WorkOrder.objects.values_list("status").annotate(n=Count("id")))
        self.assertEqual(sum(states.values()), 636)
        self.assertGreater(states["delivered"], 550)
        for state in ("reception", "awaiting_approval", "approved", "in_repair", "quality_check",
                      "ready_for_settlement"):
            self.assertEqual(states[state], 6, state)  # 12 open orders per point, the six states in turn

    def test_every_order_is_consistent(self):
        for order in WorkOrder.objects.order_by("?")[:60]:
            lines = order.lines.all()
            self.assertTrue(2 <= len(lines) <= 5)
            a_total = sum((line.amount for line in lines if line.pay_type == "A"), Decimal(0))
            self.assertEqual(order.total_a, a_total)
            self.assertEqual(order.customer_id, order.asset.owner_id)
            if order.status == "delivered":
                self.assertEqual(list(order.events.values_list("kind", flat=True)),
                                 ["opened", "submit_estimate", "approve", "start_repair", "finish_repair", "qc_pass",
                                  "settle", "deliver"])
                self.assertEqual(order.balance, Decimal(0))
                paid = Payment.objects.filter(work_order=order).aggregate(s=Sum("amount"))["s"] or Decimal(0)
                self.assertEqual(paid, order.amount_due)
                self.assertEqual(Approval.objects.get(work_order=order).status, "approved")

    def test_open_orders_are_at_their_dealer_and_recent(self):
        open_orders = WorkOrder.objects.exclude(status__in=["delivered", "cancelled"]).select_related("asset")
        self.assertEqual(open_orders.count(), 36)
        for order in open_orders:
            self.assertEqual(order.service_point_id, order.asset.service_point_id)
            self.assertLessEqual((timezone.localdate() - timezone.localtime(order.opened_at).date()).days, 2)
        self.assertFalse(WorkOrderEvent.objects.filter(work_order__status="reception", kind="approve").exists())
        self.assertFalse(WorkOrderLine.objects.filter(work_order__status="reception", status="approved").exists())
