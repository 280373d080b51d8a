"""The insurer's share on the work order and the insurer's payment."""

from decimal import Decimal

from django.test import TestCase

from aftersales.core.errors import ApplicationError
from aftersales.core.models import AuditLog
from aftersales.core.testing import make_org, make_user
from aftersales.customers.models import Customer
from aftersales.workshop.choices import WorkOrderStatus
from aftersales.workshop.models import Payment, WorkOrder, WorkOrderEvent, WorkOrderLine
from aftersales.workshop.services.totals import order_recompute_totals

from ..choices import ClaimStatus
from ..services import insurance_claim_transition, insurance_claim_update
from .helpers import accident_order, add_line, claim_at, set_order_status

S = ClaimStatus
D = Decimal


def money(order) -> tuple:
    order = WorkOrder.objects.get(pk=order.pk)
    return str(order.amount_due), str(order.insurer_amount), str(order.balance), str(order.insurer_balance)


class ShareTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.org = make_org()
        cls.a = cls.org["a"]
        cls.clerk = make_user("clerk", point=cls.a, role="claims_clerk")

    def assess(self, order, amount="4000.00", deductible="500.00"):
        claim = claim_at(self.clerk, order, S.REPORTED)
        return insurance_claim_transition(user=self.clerk, claim=claim.pk, name="assess",
                                          data={"assessed_amount": amount, "deductible": deductible})

    def test_assessment_puts_the_insurers_share_on_the_order(self):
        order = accident_order(self.a, amount="5000.00")
        self.assertEqual(money(order), ("5000.00", "0.00", "5000.00", "0.00"))

        claim = self.assess(order)

        # due 5000: the insurer pays 4000 − 500 = 3500, the customer the rest
        self.assertEqual(money(order), ("5000.00", "3500.00", "1500.00", "3500.00"))
        event = WorkOrderEvent.objects.get(work_order=order, kind="insurer_share")
        self.assertEqual((event.actor, event.data["share"], event.data["applied"], event.data["capped"]),
                         (self.clerk, "3500.00", "3500.00", False))
        self.assertEqual(claim.events.get(kind="assess").data["applied"], "3500.00")

    def test_the_share_is_never_more_than_the_amount_due(self):
        order = accident_order(self.a, amount="2000.00")

        self.assess(order, amount="9000.00", deductible="0")

        self.assertEqual(money(order), ("2000.00", "2000.00", "0.00", "2000.00"))
        self.assertTrue(WorkOrderEvent.objects.get(work_order=order, kind="insurer_share").data["capped"])

    def test_nor_more_than_the_customer_still_owes(self):
        order = accident_order(self.a, amount="5000.00")
        Payment.objects.create(work_order=order, method="cash", amount=D("4000.00"))
        order_recompute_totals(order)

        self.assess(order)

        self.assertEqual(money(order), ("5000.00", "1000.00", "0.00", "1000.00"))

    def test_lines_removed_after_assessment_cap_the_share(self):
        order = accident_order(self.a, amount="5000.00")
        self.assess(order)
        line = order.lines.get()
        line.amount = line.unit_price = D("3000.00")
        line.save()
        order.refresh_from_db()

        order_recompute_totals(order)  # as the line services do

        self.assertEqual(money(order), ("3000.00", "3000.00", "0.00", "3000.00"))

    def test_lines_added_after_assessment_are_the_customers_until_reassessed(self):
        order = accident_order(self.a, amount="2000.00")
        claim = self.assess(order, amount="6000.00", deductible="1000.00")  # share 5000, capped at 2000
        add_line(order, "4000.00")
        self.assertEqual(money(order), ("6000.00", "2000.00", "4000.00", "2000.00"))

        insurance_claim_update(user=self.clerk, pk=claim.pk, data={"assessed_amount": "6000.00"})

        self.assertEqual(money(order), ("6000.00", "5000.00", "1000.00", "5000.00"))
        self.assertEqual(claim.events.filter(kind="reassessed").count(), 1)
        self.assertEqual(WorkOrderEvent.objects.filter(work_order=order, kind="insurer_share").count(), 2)

    def test_a_reassessment_changes_the_share(self):
        order = accident_order(self.a, amount="5000.00")
        claim = self.assess(order)

        insurance_claim_update(user=self.clerk, pk=claim.pk, data={"assessed_amount": "4800.00", "deductible": "800"})

        self.assertEqual(money(order), ("5000.00", "4000.00", "1000.00", "4000.00"))

    def test_a_deductible_above_the_assessment_is_refused(self):
        order = accident_order(self.a, amount="5000.00")
        claim = self.assess(order)
        with self.assertRaises(ApplicationError) as ctx:
            insurance_claim_update(user=self.clerk, pk=claim.pk, data={"deductible": "4000.01"})
        self.assertEqual(ctx.exception.fields, {"deductible": ["The deductible cannot be more than the assessed amount."]})
        self.assertEqual(money(order), ("5000.00", "3500.00", "1500.00", "3500.00"))

    def test_withdrawing_gives_the_whole_amount_back_to_the_customer(self):
        for target in (S.WITHDRAWN, S.REJECTED):
            order = accident_order(self.a, amount="5000.00")
            claim = self.assess(order)
            insurance_claim_transition(user=self.clerk, claim=claim.pk, to=target, note="车主自付")
            self.assertEqual(money(order), ("5000.00", "0.00", "5000.00", "0.00"))
            self.assertEqual(WorkOrderEvent.objects.filter(work_order=order, kind="insurer_share").last().data["applied"],
                             "0.00")

    def test_the_customers_outstanding_balance_is_reduced(self):
        order = accident_order(self.a, amount="5000.00")
        set_order_status(order, WorkOrderStatus.SETTLED)
        with self.captureOnCommitCallbacks(execute=True):
            self.assess(order)
        self.assertEqual(Customer.objects.get(pk=order.customer_id).outstanding_balance, D("1500.00"))

    def test_declined_lines_do_not_count(self):
        order = accident_order(self.a, amount="5000.00")
        add_line(order, "1000.00")
        WorkOrderLine.objects.filter(work_order=order, sequence=2).update(status="declined")
        order.refresh_from_db()
        order_recompute_totals(order)
        self.assess(order, amount="8000.00", deductible="0")
        self.assertEqual(money(order), ("5000.00", "5000.00", "0.00", "5000.00"))


class InsurerPaymentTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.org = make_org()
        cls.a = cls.org["a"]
        cls.clerk = make_user("clerk", point=cls.a, role="claims_clerk")

    def test_the_payment_is_recorded_on_the_order(self):
        order = accident_order(self.a, amount="5000.00")
        claim = claim_at(self.clerk, order, S.PAID)  # share 3500, paid 3500

        payment = Payment.objects.get(work_order=order)
        self.assertEqual((payment.payer, payment.method, payment.amount, payment.reference, payment.received_by),
                         ("insurer", "insurer", D("3500.00"), "CLM2026000001", self.clerk))
        self.assertEqual(claim.payment, payment)
        self.assertTrue(AuditLog.objects.filter(content_type__model="payment", object_id=str(payment.pk),
                                                action="create").exists())
        self.assertEqual(money(order), ("5000.00", "3500.00", "1500.00", "0.00"))
        order = WorkOrder.objects.get(pk=order.pk)
        self.assertEqual(order.paid_total, D("3500.00"))
        event = WorkOrderEvent.objects.get(work_order=order, kind="insurer_payment")
        self.assertEqual((event.data["amount"], event.data["payment_id"], event.data["insurer_balance"]),
                         ("3500.00", payment.pk, "0.00"))

    def test_an_amount_above_the_insurers_balance_is_refused_and_nothing_is_written(self):
        order = accident_order(self.a, amount="5000.00")
        claim = claim_at(self.clerk, order, S.SUBMITTED)

        with self.assertRaises(ApplicationError) as ctx:
            insurance_claim_transition(user=self.clerk, claim=claim.pk, name="pay", data={"paid_amount": "3500.01"})

        self.assertEqual(ctx.exception.status, 422)
        self.assertEqual(ctx.exception.fields["paid_amount"],
                         ["The insurer owes 3500.00 on this order; the amount received cannot be more."])
        claim.refresh_from_db()
        self.assertEqual((claim.status, claim.paid_amount, claim.payment_id), (S.SUBMITTED, None, None))
        self.assertFalse(Payment.objects.exists())
        self.assertFalse(WorkOrderEvent.objects.filter(kind="insurer_payment").exists())
        self.assertEqual(money(order), ("5000.00", "3500.00", "1500.00", "3500.00"))

    def test_a_short_payment_leaves_the_rest_owed_by_the_insurer(self):
        order = accident_order(self.a, amount="5000.00")
        claim_at(self.clerk, order, S.PAID, pay={"paid_amount": "3000.00"})
        self.assertEqual(money(order), ("5000.00", "3500.00", "1500.00", "500.00"))

    def test_the_customer_pays_only_the_rest_at_settlement(self):
        order = accident_order(self.a, amount="5000.00")
        claim_at(self.clerk, order, S.ASSESSED)
        Payment.objects.create(work_order=order, method="wechat", amount=D("1500.00"))
        order.refresh_from_db()
        order_recompute_totals(order)
        self.assertEqual(money(order), ("5000.00", "3500.00", "0.00", "3500.00"))
