"""The insurance demo: one accident order of a demo vehicle with a claim in progress."""

import datetime as dt
import random

from django.test import TestCase
from django.utils import timezone

from aftersales.demo.archives import create_archives
from aftersales.demo.insurance import create_insurance_demo
from aftersales.demo.organisation import create_organisation
from aftersales.insurance.choices import ClaimStatus
from aftersales.insurance.models import InsuranceClaim
from aftersales.workshop.models import WorkOrderEvent


class InsuranceDemoTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.today = timezone.localdate()
        rng = random.Random(7)
        cls.org = create_organisation()
        create_archives(rng=rng, org=cls.org, customers=30, today=cls.today)
        cls.counts = create_insurance_demo(rng=rng, org=cls.org, today=cls.today)

    def test_one_accident_order_with_a_claim_in_progress(self):
        self.assertEqual(self.counts, {"accident work orders": 1, "insurance claims": 1})
        claim = InsuranceClaim.objects.select_related("work_order", "coverage").get()
        order = claim.work_order
        self.assertEqual((order.service_type, order.service_point.code, order.status), ("accident", "SH-PD-4S",
                                                                                         "reception"))
        self.assertEqual(claim.status, ClaimStatus.ASSESSED)
        self.assertEqual(claim.coverage.asset_id, order.asset_id)
        self.assertTrue(claim.coverage.starts_on <= claim.accident_date <= claim.coverage.ends_on)
        self.assertEqual(claim.accident_date, self.today - dt.timedelta(days=2))
        self.assertTrue(claim.report_number.startswith("R"))
        self.assertEqual(claim.created_by.username, "claims")

    def test_the_insurers_share_is_on_the_order(self):
        claim = InsuranceClaim.objects.select_related("work_order").get()
        order = claim.work_order
        self.assertEqual(order.amount_due, sum(line.amount for line in order.lines.all()))
        self.assertGreater(order.amount_due, claim.assessed_amount)
        self.assertEqual(order.insurer_amount, claim.insurer_share)
        self.assertEqual(order.balance, order.amount_due - claim.insurer_share)
        self.assertTrue(WorkOrderEvent.objects.filter(work_order=order, kind="insurer_share").exists())

    def test_some_documents_are_still_missing(self):
        claim = InsuranceClaim.objects.get()
        missing = set(claim.documents.filter(required=True, received=False).values_list("code", flat=True))
        self.assertEqual(missing, {"accident_certificate", "authorisation", "repair_invoice"})
        self.assertEqual([e.kind for e in claim.events.exclude(kind="document")], ["created", "report", "assess"])

    def test_no_policy_in_force_means_no_demo_claim(self):
        counts = create_insurance_demo(rng=random.Random(1), org=self.org, today=dt.date(1990, 1, 1))
        self.assertEqual(counts, {"accident work orders": 0, "insurance claims": 0})
