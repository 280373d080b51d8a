"""Every step of the claim and its guard; skipping a step is refused and changes nothing."""

from django.test import TestCase

from aftersales.core.errors import ApplicationError
from aftersales.core.testing import make_org, make_user
from aftersales.workshop.choices import WorkOrderStatus
from aftersales.workshop.models import Payment

from ..choices import CLAIM_FLOW, EARLY_CLAIM_STATUSES, ClaimStatus, DocumentCode, DocumentStage
from ..models import InsuranceClaim, InsuranceClaimEvent
from ..services import claim_steps, insurance_claim_document_update, insurance_claim_transition
from ..states import TRANSITIONS, transition_between
from .helpers import STEP_DATA, accident_order, claim_at, receive_documents, set_order_status, start_claim

S = ClaimStatus


def state_of(claim) -> tuple:
    row = InsuranceClaim.objects.get(pk=claim.pk)
    return row.status, row.events.count(), row.report_number, row.assessed_amount, row.claim_number, row.paid_amount


class TransitionTableTests(TestCase):
    def test_the_flow_cannot_be_skipped(self):
        for i, source in enumerate(CLAIM_FLOW):
            for target in CLAIM_FLOW:
                allowed = transition_between(source, target) is not None
                self.assertEqual(allowed, CLAIM_FLOW.index(target) == i + 1, (source, target))

    def test_rejected_and_withdrawn_only_from_the_early_states(self):
        for source in S.values:
            for target in (S.REJECTED, S.WITHDRAWN):
                self.assertEqual(transition_between(source, target) is not None, source in EARLY_CLAIM_STATUSES,
                                 (source, target))

    def test_closed_states_lead_nowhere(self):
        for closed in (S.PAID, S.REJECTED, S.WITHDRAWN):
            self.assertFalse([t for t in TRANSITIONS.values() if t.source == closed])


class StepTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.org = make_org()
        cls.a = cls.org["a"]
        cls.clerk = make_user("clerk", point=cls.a, role="claims_clerk")
        cls.manager = make_user("manager", point=cls.a, role="point_manager")
        cls.advisor = make_user("advisor", point=cls.a, role="service_advisor")
        cls.clerk_b = make_user("clerk_b", point=cls.org["b"], role="claims_clerk")

    def step(self, claim, name=None, to=None, user=None, note="", **data):
        return insurance_claim_transition(user=user or self.clerk, claim=claim.pk, name=name, to=to, note=note,
                                          data=data)

    def assertRefused(self, claim, status, code, field="status", user=None, name=None, to=None, note="", **data):
        before = state_of(claim)
        with self.assertRaises(ApplicationError) as ctx:
            self.step(claim, name=name, to=to, user=user, note=note, **data)
        self.assertEqual((ctx.exception.status, ctx.exception.code), (status, code))
        if field:
            self.assertIn(field, ctx.exception.fields)
        self.assertEqual(state_of(claim), before)
        return ctx.exception

    def test_skipping_is_refused_with_409_and_changes_nothing(self):
        claim = start_claim(self.clerk, accident_order(self.a))
        for target in (S.ASSESSED, S.DOCUMENTS_COMPLETE, S.REPAIRED_SETTLED, S.SUBMITTED, S.PAID):
            error = self.assertRefused(claim, 409, "invalid_transition", to=target, paid_amount="1.00")
            self.assertIn("cannot go to", error.message)
        self.assertRefused(claim, 409, "invalid_transition", to="nowhere")

    def test_report_needs_the_report_number(self):
        claim = start_claim(self.clerk, accident_order(self.a))
        error = self.assertRefused(claim, 409, "guard_failed", name="report")
        self.assertEqual(error.fields["status"], ["Enter the insurer's report number (报案号)."])

        claim = self.step(claim, name="report", report_number="RDAA01")

        self.assertEqual((claim.status, claim.report_number), (S.REPORTED, "RDAA01"))
        self.assertIsNotNone(claim.reported_at)
        self.assertEqual(claim.reported_by, "clerk")
        event = claim.events.get(kind="report")
        self.assertEqual((event.from_status, event.to_status, event.actor), (S.COVERAGE_CONFIRMED, S.REPORTED, self.clerk))
        self.assertEqual(event.data["report_number"], "RDAA01")

    def test_a_step_takes_only_its_own_data(self):
        claim = start_claim(self.clerk, accident_order(self.a))
        error = self.assertRefused(claim, 422, "invalid", field="claim_number", name="report", report_number="R1",
                                   claim_number="C1")
        self.assertEqual(error.fields["claim_number"], ["This is not part of the step “Reported to the insurer”."])

    def test_bad_step_data_is_422_naming_the_field(self):
        claim = claim_at(self.clerk, accident_order(self.a), S.REPORTED)
        self.assertRefused(claim, 422, "invalid", field="assessed_amount", name="assess", assessed_amount="-1")
        self.assertRefused(claim, 422, "invalid", field="assessed_amount", name="assess", assessed_amount="12.345")
        self.assertRefused(claim, 422, "invalid", field="assessed_on", name="assess", assessed_amount="10",
                           assessed_on="2999-01-01")
        self.assertRefused(claim, 422, "invalid", field="deductible", name="assess", assessed_amount="10",
                           deductible="20")

    def test_assessed_needs_the_assessed_amount(self):
        claim = claim_at(self.clerk, accident_order(self.a), S.REPORTED)
        error = self.assertRefused(claim, 409, "guard_failed", name="assess", assessor_name="王定损")
        self.assertEqual(error.fields["status"], ["Enter the assessed amount (定损金额)."])

        claim = self.step(claim, name="assess", assessed_amount="4000", deductible="500")

        self.assertEqual((claim.status, str(claim.assessed_amount), str(claim.insurer_share)),
                         (S.ASSESSED, "4000.00", "3500.00"))
        self.assertIsNotNone(claim.assessed_on)

    def test_documents_complete_needs_every_required_document(self):
        claim = claim_at(self.clerk, accident_order(self.a), S.ASSESSED)
        error = self.assertRefused(claim, 409, "guard_failed", name="documents_complete")
        self.assertIn("Driving licence (驾驶证)", error.message)
        self.assertNotIn("Repair invoice", error.message)  # that one is needed before submission

        receive_documents(self.clerk, claim)
        insurance_claim_document_update(user=self.clerk, pk=claim.pk, code=DocumentCode.ID_CARD, data={"received": False})
        error = self.assertRefused(claim, 409, "guard_failed", name="documents_complete")
        self.assertEqual(error.fields["status"], ["Documents still missing: ID card (身份证)."])

        insurance_claim_document_update(user=self.clerk, pk=claim.pk, code=DocumentCode.ID_CARD, data={"received": True})
        self.assertEqual(self.step(claim, name="documents_complete").status, S.DOCUMENTS_COMPLETE)

    def test_a_waived_document_is_not_needed(self):
        claim = claim_at(self.clerk, accident_order(self.a), S.ASSESSED)
        receive_documents(self.clerk, claim)
        insurance_claim_document_update(user=self.clerk, pk=claim.pk, code=DocumentCode.ACCIDENT_CERTIFICATE,
                                        data={"received": False, "required": False})
        self.assertEqual(self.step(claim, name="documents_complete").status, S.DOCUMENTS_COMPLETE)

    def test_repaired_settled_needs_the_order_settled(self):
        order = accident_order(self.a)
        claim = claim_at(self.clerk, order, S.DOCUMENTS_COMPLETE)
        for status in (WorkOrderStatus.IN_REPAIR, WorkOrderStatus.READY_FOR_SETTLEMENT):
            set_order_status(order, status)
            error = self.assertRefused(claim, 409, "guard_failed", name="repaired_settled")
            self.assertIn("The work order is not settled yet", error.message)
        set_order_status(order, WorkOrderStatus.DELIVERED)
        self.assertEqual(self.step(claim, name="repaired_settled").status, S.REPAIRED_SETTLED)

    def test_submitted_needs_the_claim_number_and_the_invoice(self):
        claim = claim_at(self.clerk, accident_order(self.a), S.REPAIRED_SETTLED)
        error = self.assertRefused(claim, 409, "guard_failed", name="submit")
        self.assertEqual(error.fields["status"], ["Enter the insurer's claim number (理赔号).",
                                                  "Documents still missing: Repair invoice (维修发票)."])
        receive_documents(self.clerk, claim, DocumentStage.SUBMISSION)

        claim = self.step(claim, name="submit", claim_number="CLM01")

        self.assertEqual((claim.status, claim.claim_number), (S.SUBMITTED, "CLM01"))
        self.assertIsNotNone(claim.submitted_on)

    def test_paid_needs_the_amount_received(self):
        claim = claim_at(self.clerk, accident_order(self.a), S.SUBMITTED)
        error = self.assertRefused(claim, 409, "guard_failed", name="pay")
        self.assertEqual(error.fields["status"], ["Enter the amount received from the insurer."])
        self.assertRefused(claim, 422, "invalid", field="paid_amount", name="pay", paid_amount="0")
        self.assertFalse(Payment.objects.exists())

        claim = self.step(claim, name="pay", paid_amount="3500.00")

        self.assertEqual((claim.status, str(claim.paid_amount)), (S.PAID, "3500.00"))
        self.assertEqual(claim.payment.amount, claim.paid_amount)

    def test_the_whole_way_with_the_timeline(self):
        claim = claim_at(self.clerk, accident_order(self.a), S.PAID)
        steps = list(claim.events.exclude(kind="document").values_list("kind", "from_status", "to_status"))
        self.assertEqual(steps, [
            ("created", "", S.COVERAGE_CONFIRMED), ("report", S.COVERAGE_CONFIRMED, S.REPORTED),
            ("assess", S.REPORTED, S.ASSESSED), ("documents_complete", S.ASSESSED, S.DOCUMENTS_COMPLETE),
            ("repaired_settled", S.DOCUMENTS_COMPLETE, S.REPAIRED_SETTLED),
            ("submit", S.REPAIRED_SETTLED, S.SUBMITTED), ("pay", S.SUBMITTED, S.PAID)])
        self.assertEqual(claim.events.filter(kind="document").count(), 7)

    def test_rejected_and_withdrawn_from_the_early_states_with_a_reason(self):
        for status in EARLY_CLAIM_STATUSES:
            for target in (S.REJECTED, S.WITHDRAWN):
                claim = claim_at(self.clerk, accident_order(self.a), status)
                self.assertRefused(claim, 422, "invalid", field="note", to=target)
                claim = self.step(claim, to=target, note="保险公司拒赔：超出保险责任")
                self.assertEqual((claim.status, claim.closed_reason), (target, "保险公司拒赔：超出保险责任"))

    def test_no_rejection_once_repaired_and_settled(self):
        claim = claim_at(self.clerk, accident_order(self.a), S.REPAIRED_SETTLED)
        self.assertRefused(claim, 409, "invalid_transition", to=S.REJECTED, note="x")
        self.assertRefused(claim, 409, "invalid_transition", to=S.WITHDRAWN, note="x")

    def test_a_closed_claim_takes_no_step(self):
        claim = claim_at(self.clerk, accident_order(self.a), S.WITHDRAWN)
        self.assertRefused(claim, 409, "invalid_transition", name="report", report_number="R")

    def test_a_cancelled_order_holds_the_claim(self):
        order = accident_order(self.a)
        claim = start_claim(self.clerk, order)
        set_order_status(order, WorkOrderStatus.CANCELLED)
        error = self.assertRefused(claim, 409, "guard_failed", name="report", report_number="R1")
        self.assertIn("withdraw the claim instead", error.message)
        self.assertEqual(self.step(claim, to=S.WITHDRAWN, note="工单取消").status, S.WITHDRAWN)

    def test_a_manager_works_claims_too(self):
        claim = start_claim(self.manager, accident_order(self.a))
        self.assertEqual(self.step(claim, user=self.manager, name="report", report_number="R1").status, S.REPORTED)

    def test_an_advisor_may_not_and_another_point_cannot_see(self):
        claim = start_claim(self.clerk, accident_order(self.a))
        self.assertRefused(claim, 403, "permission_denied", field=None, user=self.advisor, name="report",
                           report_number="R1")
        self.assertRefused(claim, 404, "not_found", field=None, user=self.clerk_b, name="report", report_number="R1")
        for pk in (0, -1, 2**63, 2**80):
            with self.assertRaises(ApplicationError) as ctx:
                insurance_claim_transition(user=self.clerk, claim=pk, name="report", data={"report_number": "R"})
            self.assertEqual(ctx.exception.status, 404)

    def test_the_steps_say_who_may_and_why_not(self):
        claim = claim_at(self.clerk, accident_order(self.a), S.ASSESSED)
        claim = InsuranceClaim.objects.select_related("work_order").get(pk=claim.pk)
        steps = {s["name"]: s for s in claim_steps(claim, self.clerk)}
        self.assertEqual(set(steps), {"documents_complete", "reject", "withdraw"})
        self.assertTrue(steps["documents_complete"]["allowed"])
        self.assertTrue(steps["documents_complete"]["reasons"][0].startswith("Documents still missing:"))
        self.assertEqual(steps["withdraw"]["reasons"], [])
        advisor_steps = claim_steps(claim, self.advisor)
        self.assertEqual({s["allowed"] for s in advisor_steps}, {False})

    def test_step_data_defaults(self):
        claim = claim_at(self.clerk, accident_order(self.a), S.SUBMITTED)
        self.assertEqual(claim.submitted_on, claim.assessed_on)  # both today
        self.assertEqual(InsuranceClaimEvent.objects.get(claim=claim, kind="assess").data["deductible"], "500.00")
        self.assertEqual(STEP_DATA["assess"]["assessed_amount"], str(claim.assessed_amount))
