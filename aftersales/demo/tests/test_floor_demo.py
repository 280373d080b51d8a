"""The floor demo: checklists per service type, the technician's work on the demo orders, discount limits."""

import datetime as dt
import random
from decimal import Decimal

from django.test import TestCase
from django.utils import timezone

from aftersales.core.choices import ServiceType
from aftersales.demo.archives import create_archives
from aftersales.demo.floor import DEFAULT_CHECKLISTS, create_floor_demo
from aftersales.demo.organisation import create_organisation
from aftersales.demo.parts import create_parts_demo
from aftersales.demo.warranty import create_warranty_demo
from aftersales.demo.workshop import create_workshop_demo
from aftersales.workshop.choices import JobStatus, WorkOrderStatus
from aftersales.workshop.models import JobAssignment, QcChecklist, TimeEntry, WorkOrder
from aftersales.workshop.selectors.floor import checklist_for, technician_hours

TODAY = dt.date(2026, 11, 20)
S = WorkOrderStatus


class FloorDemoTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.org = create_organisation()
        create_archives(rng=random.Random(3), org=cls.org, customers=60, today=TODAY)
        create_parts_demo(rng=random.Random(3), org=cls.org, today=TODAY)
        create_warranty_demo(rng=random.Random(3), org=cls.org, today=TODAY)
        create_workshop_demo(rng=random.Random(3), org=cls.org, today=TODAY)
        cls.counts = create_floor_demo(rng=random.Random(3), org=cls.org, today=TODAY)

    def test_a_default_checklist_for_every_service_type_and_shanghais_own(self):
        defaults = QcChecklist.objects.filter(service_point__isnull=True)
        self.assertEqual(set(defaults.values_list("service_type", flat=True)), set(ServiceType.values))
        self.assertEqual(self.counts["quality checklists"], len(DEFAULT_CHECKLISTS) + 1)
        own = QcChecklist.objects.get(service_point__code="SH-PD-4S")
        self.assertEqual(own.service_type, "periodic_maintenance")
        for checklist in QcChecklist.objects.all():
            self.assertGreaterEqual(len(checklist.items), 4)
            self.assertTrue(all(item[0].isupper() and len(item) < 80 for item in checklist.items), checklist.items)
        order = WorkOrder.objects.filter(service_point__code="SH-PD-4S").first()
        order.service_type = "periodic_maintenance"
        self.assertEqual(checklist_for(order), own)

    def test_the_technician_worked_on_the_order_in_repair(self):
        order = WorkOrder.objects.get(service_point__code="SH-PD-4S", status=S.IN_REPAIR)
        first, second = order.lines.filter(kind="labour", status="approved").order_by("sequence")[:2]
        self.assertEqual((first.job_status, second.job_status), (JobStatus.DONE, JobStatus.PAUSED))
        entries = TimeEntry.objects.filter(line__work_order=order).order_by("started_at")
        self.assertEqual(entries.count(), self.counts["time entries"])
        self.assertTrue(all(28 * 60 <= e.seconds <= 40 * 60 or 15 * 60 <= e.seconds <= 25 * 60 for e in entries))
        self.assertFalse(entries.filter(ended_at__isnull=True).exists(), "nobody left clocked on")
        self.assertGreater(first.actual_hours, Decimal("0.40"))
        manager = self.org["users"]["manager"]
        today = timezone.localtime(first.done_at).date()
        rows = technician_hours(user=manager, date_from=today, date_to=today)
        self.assertEqual([(r.name, r.jobs) for r in rows], [(str(self.org["users"]["technician"]), 1)])

    def test_the_approved_order_waits_with_the_technician_assigned(self):
        order = WorkOrder.objects.get(service_point__code="SH-PD-4S", status=S.APPROVED)
        technician = self.org["users"]["technician"]
        jobs = order.lines.filter(kind="labour", status="approved")
        self.assertEqual(JobAssignment.objects.filter(line__in=jobs, technician=technician).count(), jobs.count())
        self.assertEqual(self.counts["jobs assigned"], jobs.count())

    def test_discount_limits(self):
        cashier = self.org["users"]["cashier"]
        cashier.refresh_from_db()
        self.assertEqual(cashier.discount_limit_percent, Decimal("5.00"))
        self.assertEqual(self.counts["discount limits"], 3)

    def test_without_orders_only_the_checklists(self):
        QcChecklist.objects.all().delete()
        WorkOrder.objects.update(status=S.CANCELLED)
        counts = create_floor_demo(rng=random.Random(1), org=self.org, today=TODAY)
        self.assertEqual((counts["quality checklists"], counts["time entries"], counts["jobs assigned"]),
                         (len(DEFAULT_CHECKLISTS) + 1, 0, 0))
