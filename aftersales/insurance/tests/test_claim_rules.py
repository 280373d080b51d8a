"""Starting a claim and changing it: the policy must cover the order's vehicle on the accident date."""

import datetime as dt

from django.test import TestCase
from django.utils import timezone

from aftersales.assets.models import Coverage
from aftersales.core.choices import ServiceType
from aftersales.core.errors import ApplicationError
from aftersales.core.models import AuditLog
from aftersales.core.testing import make_org, make_user
from aftersales.workshop.choices import WorkOrderStatus
from aftersales.workshop.models import WorkOrderEvent

from ..choices import ClaimStatus, DocumentCode
from ..models import InsuranceClaim, InsuranceClaimEvent
from ..services import insurance_claim_update
from .helpers import INSURER, accident_order, claim_at, insured_vehicle, start_claim

TODAY = timezone.localdate()
YESTERDAY = TODAY - dt.timedelta(days=1)


class ClaimCreateTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.org = make_org()
        cls.a, cls.b = cls.org["a"], cls.org["b"]
        cls.clerk = make_user("clerk", point=cls.a, role="claims_clerk")
        cls.order = accident_order(cls.a)
        cls.policy = cls.order.asset.coverages.get(kind="insurance")

    def assertRefused(self, field, reason=None, status=422, **data):
        with self.assertRaises(ApplicationError) as ctx:
            start_claim(self.clerk, data.pop("order", self.order), **data)
        self.assertEqual(ctx.exception.status, status)
        self.assertIn(field, ctx.exception.fields)
        if reason is not None:
            self.assertEqual(ctx.exception.fields[field], [reason])
        self.assertEqual(InsuranceClaim.objects.count(), 0)
        self.assertFalse(WorkOrderEvent.objects.filter(kind="insurance_claim").exists())

    def test_starting_a_claim_confirms_the_coverage(self):
        claim = start_claim(self.clerk, self.order)

        self.assertEqual(claim.status, ClaimStatus.COVERAGE_CONFIRMED)
        self.assertEqual((claim.coverage_id, claim.insurer, claim.policy_number),
                         (self.policy.pk, INSURER, self.policy.policy_number))
        self.assertEqual(claim.accident_date, YESTERDAY)
        self.assertEqual(sorted(claim.documents.values_list("code", flat=True)), sorted(DocumentCode.values))
        self.assertEqual(set(claim.documents.filter(required=False).values_list("code", flat=True)),
                         {"bank_details", "accident_photos"})
        event = InsuranceClaimEvent.objects.get(claim=claim)
        self.assertEqual((event.kind, event.to_status, event.actor), ("created", "coverage_confirmed", self.clerk))
        self.assertEqual(WorkOrderEvent.objects.get(work_order=self.order, kind="insurance_claim").data,
                         {"claim_id": claim.pk})
        self.assertEqual(AuditLog.objects.filter(object_id=str(claim.pk), action="create",
                                                 content_type__model="insuranceclaim").count(), 1)

    def test_the_policy_named_is_used(self):
        older = Coverage.objects.create(asset=self.order.asset, kind="insurance", starts_on=TODAY - dt.timedelta(days=400),
                                        ends_on=TODAY + dt.timedelta(days=10), provider="平安财险",
                                        policy_number="PA001")
        claim = start_claim(self.clerk, self.order, coverage_id=older.pk)
        self.assertEqual((claim.coverage_id, claim.insurer, claim.policy_number), (older.pk, "平安财险", "PA001"))

    def test_the_policy_must_be_in_force_on_the_accident_date(self):
        self.assertRefused("coverage_id", f"The policy is not in force on the accident date (it runs from "
                           f"{self.policy.starts_on} to {self.policy.ends_on}).",
                           accident_date=self.policy.starts_on - dt.timedelta(days=1), coverage_id=self.policy.pk)

    def test_without_a_policy_in_force_nothing_is_found(self):
        self.assertRefused("coverage_id", "No insurance policy of this vehicle is in force on the accident date.",
                           accident_date=self.policy.starts_on - dt.timedelta(days=1))

    def test_the_policy_must_belong_to_the_orders_vehicle(self):
        _other_car, other_policy = insured_vehicle(self.a, name="李四")
        self.assertRefused("coverage_id", "This policy does not belong to the order's vehicle.",
                           coverage_id=other_policy.pk)

    def test_a_warranty_is_not_an_insurance_policy(self):
        warranty = Coverage.objects.create(asset=self.order.asset, kind="base_warranty", starts_on=TODAY - dt.timedelta(days=9),
                                           ends_on=TODAY + dt.timedelta(days=9), provider="上汽大众")
        self.assertRefused("coverage_id", "This coverage is not an insurance policy.", coverage_id=warranty.pk)

    def test_bad_ids_and_dates_are_named(self):
        self.assertRefused("coverage_id", coverage_id=2**70)
        self.assertRefused("coverage_id", coverage_id="abc")
        self.assertRefused("accident_date", "This date is in the future.", accident_date=TODAY + dt.timedelta(days=1))
        self.assertRefused("accident_date", accident_date="2026-02-30")
        self.assertRefused("accident_place", "Contains a NUL character.", accident_place="x\x00y")

    def test_the_accident_cannot_be_after_the_vehicle_came_in(self):
        self.order.opened_at = timezone.now() - dt.timedelta(days=3)
        self.order.save(update_fields=["opened_at"])
        self.assertRefused("accident_date", accident_date=YESTERDAY)

    def test_only_accident_repairs_are_claimed(self):
        repair = accident_order(self.a, service_type=ServiceType.REPAIR)
        self.assertRefused("work_order_id", "Only accident repairs are claimed from an insurer.", order=repair)

    def test_a_cancelled_order_is_not_claimed(self):
        cancelled = accident_order(self.a, status=WorkOrderStatus.CANCELLED)
        self.assertRefused("work_order_id", "This work order was cancelled.", order=cancelled)

    def test_another_points_order_is_unknown(self):
        other = accident_order(self.b)
        self.assertRefused("work_order_id", "Unknown work order.", order=other)

    def test_an_order_has_one_claim(self):
        start_claim(self.clerk, self.order)
        with self.assertRaises(ApplicationError) as ctx:
            start_claim(self.clerk, self.order)
        self.assertEqual((ctx.exception.status, ctx.exception.code), (409, "duplicate"))
        self.assertEqual(InsuranceClaim.objects.count(), 1)

    def test_an_advisor_cannot_start_one(self):
        advisor = make_user("advisor", point=self.a, role="service_advisor")
        with self.assertRaises(ApplicationError) as ctx:
            start_claim(advisor, self.order)
        self.assertEqual(ctx.exception.fields, {"work_order_id": ["Unknown work order."]})


class ClaimUpdateTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.org = make_org()
        cls.a = cls.org["a"]
        cls.clerk = make_user("clerk", point=cls.a, role="claims_clerk")
        cls.advisor = make_user("advisor", point=cls.a, role="service_advisor")
        cls.clerk_b = make_user("clerk_b", point=cls.org["b"], role="claims_clerk")

    def test_details_change_and_are_audited(self):
        claim = start_claim(self.clerk, accident_order(self.a))
        insurance_claim_update(user=self.clerk, pk=claim.pk, data={"accident_place": "上海市浦东新区", "notes": "车主要求代步车"})
        claim.refresh_from_db()
        self.assertEqual((claim.accident_place, claim.notes), ("上海市浦东新区", "车主要求代步车"))
        log = AuditLog.objects.get(object_id=str(claim.pk), action="update", content_type__model="insuranceclaim")
        self.assertEqual(set(log.after), {"accident_place", "notes"})

    def test_the_accident_date_is_checked_against_the_policy_again(self):
        order = accident_order(self.a)
        claim = start_claim(self.clerk, order)
        policy = claim.coverage
        with self.assertRaises(ApplicationError) as ctx:
            insurance_claim_update(user=self.clerk, pk=claim.pk,
                                   data={"accident_date": policy.starts_on - dt.timedelta(days=2)})
        self.assertIn("coverage_id", ctx.exception.fields)
        claim.refresh_from_db()
        self.assertEqual(claim.accident_date, YESTERDAY)

    def test_the_policy_and_date_are_fixed_once_assessed(self):
        claim = claim_at(self.clerk, accident_order(self.a), ClaimStatus.ASSESSED)
        with self.assertRaises(ApplicationError) as ctx:
            insurance_claim_update(user=self.clerk, pk=claim.pk, data={"accident_date": TODAY - dt.timedelta(days=2)})
        self.assertEqual((ctx.exception.status, ctx.exception.code), (409, "locked"))
        self.assertIn("accident_date", ctx.exception.fields)

    def test_a_required_field_cannot_be_emptied_after_its_step(self):
        claim = claim_at(self.clerk, accident_order(self.a), ClaimStatus.REPORTED)
        with self.assertRaises(ApplicationError) as ctx:
            insurance_claim_update(user=self.clerk, pk=claim.pk, data={"report_number": "  "})
        self.assertIn("report_number", ctx.exception.fields)
        claim.refresh_from_db()
        self.assertEqual(claim.report_number, "RDAA2026310000001")

    def test_status_is_not_a_field(self):
        claim = start_claim(self.clerk, accident_order(self.a))
        with self.assertRaises(ApplicationError) as ctx:
            insurance_claim_update(user=self.clerk, pk=claim.pk, data={"status": "paid"})
        self.assertIn("status", ctx.exception.fields)
        claim.refresh_from_db()
        self.assertEqual(claim.status, ClaimStatus.COVERAGE_CONFIRMED)

    def test_a_closed_claim_no_longer_changes(self):
        claim = claim_at(self.clerk, accident_order(self.a), ClaimStatus.WITHDRAWN)
        with self.assertRaises(ApplicationError) as ctx:
            insurance_claim_update(user=self.clerk, pk=claim.pk, data={"notes": "x"})
        self.assertEqual((ctx.exception.status, ctx.exception.code), (409, "closed"))

    def test_readers_and_other_points_cannot_change_it(self):
        claim = start_claim(self.clerk, accident_order(self.a))
        for user in (self.advisor, self.clerk_b):
            with self.assertRaises(ApplicationError) as ctx:
                insurance_claim_update(user=user, pk=claim.pk, data={"notes": "x"})
            self.assertEqual(ctx.exception.status, 404)
        claim.refresh_from_db()
        self.assertEqual(claim.notes, "")
