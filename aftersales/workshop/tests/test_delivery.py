"""Delivery: the explanation, the old parts (warranty parts kept for the claim), the next service."""

import datetime as dt

from django.test import TestCase
from django.utils import timezone

from aftersales.assets.models import MaintenanceInterval, MeterReading
from aftersales.core.errors import ApplicationError, ConflictError, NotFoundError, PermissionDeniedError
from aftersales.workshop.choices import LineKind, OldParts, WorkOrderStatus
from aftersales.workshop.models import OldPart, WorkOrder
from aftersales.workshop.selectors.floor import delivery_proposal
from aftersales.workshop.services.delivery import work_order_deliver

from . import factories
from ._floor_helpers import staff_of

S = WorkOrderStatus


class DeliveryTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.org = factories.org()
        cls.staff = staff_of(cls.org)

    def settled(self, **fields):
        owner = factories.customer(self.org["a"])
        car = factories.vehicle(owner, sale_date=dt.date(2024, 1, 10))
        return factories.work_order(self.org["a"], status=S.SETTLED, asset=car, lines=[
            {"kind": LineKind.LABOUR, "quantity": "1.50", "description": "更换刹车片"},
            {"kind": LineKind.PART, "unit_price": "300.00", "pay_type": "C", "description": "前刹车片"},
            {"kind": LineKind.PART, "unit_price": "80.00", "description": "机油滤清器"},
        ], **fields)

    def test_the_proposal_explains_work_and_charges_and_keeps_warranty_parts(self):
        order = self.settled()
        proposal = delivery_proposal(order)
        self.assertIn("Work done:", proposal.summary)
        self.assertIn("更换刹车片", proposal.summary)
        self.assertIn("前刹车片 × 1", proposal.summary)
        self.assertIn("warranty, free to the customer ¥300.00", proposal.summary)
        self.assertIn("customer-paid ¥230.00", proposal.summary)
        self.assertEqual([(line.description, default) for line, default in proposal.parts],
                         [("前刹车片", OldParts.WARRANTY), ("机油滤清器", OldParts.RETURNED)])

    def test_next_service_from_the_forecast_counts_this_maintenance_visit(self):
        today = timezone.localdate()
        order = self.settled(service_type="periodic_maintenance", mileage_in=20000,
                             opened_at=timezone.now())
        MaintenanceInterval.objects.create(brand=order.asset.brand, model="", months=6, distance=7500)
        MeterReading.objects.create(asset=order.asset, read_on=today - dt.timedelta(days=100), value=15000)
        proposal = delivery_proposal(order)
        self.assertEqual(proposal.next_service_mileage, 27500)
        self.assertIsNotNone(proposal.next_service_date)
        self.assertGreater(proposal.next_service_date, today)
        self.assertLessEqual(proposal.next_service_date, today + dt.timedelta(days=200))

    def test_deliver_with_the_defaults(self):
        order = self.settled()
        delivered = work_order_deliver(user=self.staff["advisor"], order_id=order.pk, data={})
        self.assertEqual(delivered.status, S.DELIVERED)
        self.assertIsNotNone(delivered.delivered_at)
        self.assertIn("Work done:", delivered.delivery_notes)
        records = {r.line.description: r.disposition for r in OldPart.objects.select_related("line")}
        self.assertEqual(records, {"前刹车片": OldParts.WARRANTY, "机油滤清器": OldParts.RETURNED})
        self.assertEqual(delivered.old_parts, OldParts.RETURNED)
        event = delivered.events.get(kind="deliver")
        self.assertEqual(sorted(event.data["old_parts"].values()), ["returned", "warranty"])

    def test_the_advisor_edits_notes_parts_and_next_service(self):
        order = self.settled()
        part = order.lines.get(description="机油滤清器")
        next_date = timezone.localdate() + dt.timedelta(days=180)
        delivered = work_order_deliver(user=self.staff["advisor"], order_id=order.pk, data={
            "notes": "Brake pads replaced under warranty.", "old_parts": [{"line_id": part.pk, "disposition": "left"}],
            "next_service_date": next_date.isoformat(), "next_service_mileage": 22000})
        self.assertEqual((delivered.delivery_notes, delivered.next_service_date, delivered.next_service_mileage),
                         ("Brake pads replaced under warranty.", next_date, 22000))
        self.assertEqual(OldPart.objects.get(line=part).disposition, OldParts.LEFT)
        self.assertEqual(delivered.old_parts, OldParts.LEFT)

    def test_an_order_without_parts_has_none(self):
        order = factories.work_order(self.org["a"], status=S.SETTLED)
        self.assertEqual(work_order_deliver(user=self.staff["advisor"], order_id=order.pk, data={}).old_parts,
                         OldParts.NONE)

    def test_bad_delivery_data_changes_nothing(self):
        order = self.settled()
        other = self.settled()
        for data, field in (({"next_service_date": "2001-01-01"}, "next_service_date"),
                            ({"next_service_date": "soon"}, "next_service_date"),
                            ({"next_service_mileage": 100}, "next_service_mileage"),
                            ({"next_service_mileage": -1}, "next_service_mileage"),
                            ({"old_parts": [{"line_id": other.lines.filter(kind="part").first().pk,
                                             "disposition": "left"}]}, "old_parts.0.line_id"),
                            ({"old_parts": [{"line_id": order.lines.filter(kind="part").first().pk,
                                             "disposition": "none"}]}, "old_parts.0.disposition"),
                            ({"old_parts": [{"line_id": 2**64, "disposition": "left"}]}, "old_parts.0.line_id"),
                            ({"notes": "\x00"}, "notes")):
            with self.subTest(data=data), self.assertRaises(ApplicationError) as ctx:
                work_order_deliver(user=self.staff["advisor"], order_id=order.pk, data=data)
            self.assertEqual(ctx.exception.status, 422)
            self.assertIn(field, ctx.exception.fields)
        order.refresh_from_db()
        self.assertEqual((order.status, order.delivery_notes), (S.SETTLED, ""))
        self.assertFalse(OldPart.objects.exists())

    def test_only_a_settled_order_is_delivered(self):
        order = factories.work_order(self.org["a"], status=S.READY_FOR_SETTLEMENT)
        with self.assertRaises(ConflictError):
            work_order_deliver(user=self.staff["advisor"], order_id=order.pk, data={})

    def test_who_delivers(self):
        order = self.settled()
        for who, error in (("cashier", PermissionDeniedError), ("tech", PermissionDeniedError),
                           ("advisor_b", NotFoundError)):
            with self.subTest(who=who), self.assertRaises(error):
                work_order_deliver(user=self.staff[who], order_id=order.pk, data={})
        self.assertEqual(WorkOrder.objects.get(pk=order.pk).status, S.SETTLED)
