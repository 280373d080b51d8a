"""Settlement: totals per pay type, discounts within and above the limit, payments, credit, the archive."""

from decimal import Decimal

from django.test import TestCase

from aftersales.core.errors import ApplicationError, ConflictError, NotFoundError, PermissionDeniedError
from aftersales.core.models import AuditLog
from aftersales.customers.models import Customer
from aftersales.workshop.choices import DiscountStatus, LineKind, WorkOrderStatus
from aftersales.workshop.models import DiscountRequest, Payment, WorkOrder
from aftersales.workshop.services import settlement

from . import factories
from ._floor_helpers import order_ready, order_settled, staff_of

S = WorkOrderStatus


def ready(org, staff, **kwargs) -> WorkOrder:
    """Ready for settlement: 3 h labour (300.00, A) and a warranty part (C), as the order's lines say."""
    return order_ready(org["a"], staff, hours=("3.00",), **kwargs)


class TotalsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.org = factories.org()
        cls.staff = staff_of(cls.org)

    def test_totals_per_pay_type_and_what_the_customer_pays(self):
        order = factories.work_order(self.org["a"], status=S.READY_FOR_SETTLEMENT, lines=[
            {"kind": LineKind.LABOUR, "quantity": "2.00"},
            {"kind": LineKind.PART, "unit_price": "150.00", "pay_type": "C"},
            {"kind": LineKind.OTHER, "unit_price": "50.00", "pay_type": "B"},
            {"kind": LineKind.OTHER, "unit_price": "20.00", "pay_type": "D"},
        ])
        self.assertEqual((order.total_a, order.total_b, order.total_c, order.total_d),
                         (Decimal("200.00"), Decimal("50.00"), Decimal("150.00"), Decimal("20.00")))
        self.assertEqual((order.amount_due, order.balance), (Decimal("200.00"), Decimal("200.00")))

    def test_the_insurers_share_is_not_the_customers(self):
        order = factories.work_order(self.org["a"], status=S.READY_FOR_SETTLEMENT,
                                     lines=[{"kind": LineKind.LABOUR, "quantity": "5.00"}])
        WorkOrder.objects.filter(pk=order.pk).update(insurer_amount=Decimal("400.00"))
        order.refresh_from_db()
        from aftersales.workshop.services.totals import order_recompute_totals

        order_recompute_totals(order)
        self.assertEqual((order.balance, order.insurer_balance), (Decimal("100.00"), Decimal("400.00")))
        with self.assertRaises(ConflictError):
            settlement.payment_record(user=self.staff["cashier"], order_id=order.pk,
                                      data={"method": "cash", "amount": "100.01"})
        settlement.payment_record(user=self.staff["cashier"], order_id=order.pk, data={"method": "cash", "amount": "100"})
        settlement.payment_record(user=self.staff["cashier"], order_id=order.pk,
                                  data={"method": "insurer", "payer": "insurer", "amount": "400"})
        order.refresh_from_db()
        self.assertEqual((order.balance, order.insurer_balance, order.paid_total),
                         (Decimal("0.00"), Decimal("0.00"), Decimal("500.00")))


class DiscountTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.org = factories.org()
        cls.staff = staff_of(cls.org)   # the cashier's limit is 5 %

    def setUp(self):
        self.order = ready(self.org, self.staff)

    def test_within_the_limit_it_applies_at_once(self):
        row = settlement.discount_give(user=self.staff["cashier"], order_id=self.order.pk, amount="15.00",
                                       reason="loyal customer")
        self.assertEqual((row.status, row.percent, row.decided_by_id),
                         (DiscountStatus.APPROVED, Decimal("5.00"), self.staff["cashier"].pk))
        order = WorkOrder.objects.get(pk=self.order.pk)
        self.assertEqual((order.discount_amount, order.amount_due, order.balance),
                         (Decimal("15.00"), Decimal("285.00"), Decimal("285.00")))
        self.assertTrue(order.events.filter(kind="discount").exists())
        self.assertEqual(AuditLog.objects.filter(object_id=str(row.pk), action="create").count(), 1)

    def test_a_percentage_of_the_customer_paid_total(self):
        settlement.discount_give(user=self.staff["cashier"], order_id=self.order.pk, percent="3")
        self.assertEqual(WorkOrder.objects.get(pk=self.order.pk).discount_amount, Decimal("9.00"))

    def test_a_new_discount_replaces_the_old_one(self):
        settlement.discount_give(user=self.staff["cashier"], order_id=self.order.pk, amount="10")
        settlement.discount_give(user=self.staff["cashier"], order_id=self.order.pk, amount="5")
        self.assertEqual(WorkOrder.objects.get(pk=self.order.pk).amount_due, Decimal("295.00"))

    def test_above_the_limit_a_manager_decides(self):
        row = settlement.discount_give(user=self.staff["cashier"], order_id=self.order.pk, amount="30")
        self.assertEqual(row.status, DiscountStatus.PENDING)
        self.assertEqual(WorkOrder.objects.get(pk=self.order.pk).discount_amount, Decimal("0.00"))
        with self.assertRaises(ConflictError) as ctx:
            settlement.discount_give(user=self.staff["cashier"], order_id=self.order.pk, amount="40")
        self.assertEqual(ctx.exception.code, "discount_pending")
        with self.assertRaises(ConflictError) as ctx:
            settlement.work_order_settle(user=self.staff["cashier"], order_id=self.order.pk,
                                         payments=[{"method": "cash", "amount": "300"}])
        self.assertIn("waiting for a manager", ctx.exception.message)
        self.assertFalse(Payment.objects.exists(), "the refused settlement took no payment")
        decided = settlement.discount_decide(user=self.staff["manager"], pk=row.pk, approve=True, note="ok")
        self.assertEqual((decided.status, decided.decided_by_id), (DiscountStatus.APPROVED, self.staff["manager"].pk))
        self.assertEqual(WorkOrder.objects.get(pk=self.order.pk).balance, Decimal("270.00"))

    def test_a_manager_rejects(self):
        row = settlement.discount_give(user=self.staff["cashier"], order_id=self.order.pk, percent="50")
        settlement.discount_decide(user=self.staff["manager"], pk=row.pk, approve=False, note="too much")
        row.refresh_from_db()
        self.assertEqual((row.status, row.decision_note), (DiscountStatus.REJECTED, "too much"))
        self.assertEqual(WorkOrder.objects.get(pk=self.order.pk).discount_amount, Decimal("0.00"))
        with self.assertRaises(ConflictError):
            settlement.discount_decide(user=self.staff["manager"], pk=row.pk, approve=True)

    def test_who_decides(self):
        row = settlement.discount_give(user=self.staff["cashier"], order_id=self.order.pk, amount="60")
        with self.assertRaises(PermissionDeniedError):
            settlement.discount_decide(user=self.staff["cashier"], pk=row.pk, approve=True)
        with self.assertRaises(NotFoundError):
            settlement.discount_decide(user=self.staff["manager_b"], pk=row.pk, approve=True)
        self.assertEqual(DiscountRequest.objects.get(pk=row.pk).status, DiscountStatus.PENDING)

    def test_managers_override_limits(self):
        row = settlement.discount_give(user=self.staff["manager"], order_id=self.order.pk, percent="20")
        self.assertEqual(row.status, DiscountStatus.APPROVED)

    def test_bad_discounts(self):
        for kwargs, field in (({"amount": "300.01"}, "amount"), ({"amount": "-1"}, "amount"),
                              ({"percent": "101"}, "percent"), ({"amount": "1", "percent": "1"}, "amount"),
                              ({}, "amount"), ({"amount": "abc"}, "amount"), ({"amount": "1.005"}, "amount")):
            with self.subTest(kwargs=kwargs), self.assertRaises(ApplicationError) as ctx:
                settlement.discount_give(user=self.staff["cashier"], order_id=self.order.pk, **kwargs)
            self.assertEqual(ctx.exception.status, 422)
            self.assertIn(field, ctx.exception.fields)
        self.assertFalse(DiscountRequest.objects.exists())

    def test_no_discount_below_what_is_paid(self):
        settlement.payment_record(user=self.staff["cashier"], order_id=self.order.pk,
                                  data={"method": "cash", "amount": "290"})
        with self.assertRaises(ConflictError) as ctx:
            settlement.discount_give(user=self.staff["manager"], order_id=self.order.pk, amount="11")
        self.assertEqual(ctx.exception.code, "discount_too_large")
        settlement.discount_give(user=self.staff["manager"], order_id=self.order.pk, amount="10")
        self.assertEqual(WorkOrder.objects.get(pk=self.order.pk).balance, Decimal("0.00"))

    def test_no_discount_once_settled(self):
        order = order_settled(self.org["a"], self.staff)
        with self.assertRaises(ConflictError):
            settlement.discount_give(user=self.staff["cashier"], order_id=order.pk, amount="1")


class PaymentTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.org = factories.org()
        cls.staff = staff_of(cls.org)

    def setUp(self):
        self.order = ready(self.org, self.staff)

    def pay(self, amount, method="cash", user=None, **extra):
        return settlement.payment_record(user=user or self.staff["cashier"], order_id=self.order.pk,
                                         data={"method": method, "amount": amount, **extra})

    def test_several_methods_up_to_the_balance(self):
        self.pay("200.00", "wechat", reference="4200001234")
        self.pay("100", "cash")
        order = WorkOrder.objects.get(pk=self.order.pk)
        self.assertEqual((order.paid_total, order.balance), (Decimal("300.00"), Decimal("0.00")))
        self.assertEqual(list(order.payments.values_list("method", flat=True)), ["wechat", "cash"])
        self.assertEqual(order.events.filter(kind="payment").count(), 2)
        with self.assertRaises(ConflictError) as ctx:
            self.pay("0.01")
        self.assertEqual(ctx.exception.code, "overpayment")

    def test_no_double_charging(self):
        with self.assertRaises(ConflictError) as ctx:
            self.pay("300.01")
        self.assertIn("300.00", ctx.exception.message)
        self.assertFalse(Payment.objects.exists())

    def test_bad_payments(self):
        for data, field in (({"method": "cash", "amount": "0"}, "amount"), ({"method": "cash", "amount": "-5"}, "amount"),
                            ({"method": "bitcoin", "amount": "5"}, "method"), ({"method": "cash"}, "amount"),
                            ({"method": "insurer", "amount": "5"}, "method"),
                            ({"method": "cash", "amount": "5", "reference": "x" * 65}, "reference"),
                            ({"method": "cash", "amount": "5", "note": "\x00"}, "note")):
            with self.subTest(data=data), self.assertRaises(ApplicationError) as ctx:
                settlement.payment_record(user=self.staff["cashier"], order_id=self.order.pk, data=data)
            self.assertEqual(ctx.exception.status, 422)
            self.assertIn(field, ctx.exception.fields)
        self.assertFalse(Payment.objects.exists())

    def test_no_payment_before_the_quality_check(self):
        order = factories.work_order(self.org["a"], status=S.IN_REPAIR)
        with self.assertRaises(ConflictError):
            settlement.payment_record(user=self.staff["cashier"], order_id=order.pk,
                                      data={"method": "cash", "amount": "1"})

    def test_who_takes_payments(self):
        for who, error in (("advisor", PermissionDeniedError), ("tech", PermissionDeniedError),
                           ("cashier_b", NotFoundError)):
            with self.subTest(who=who), self.assertRaises(error):
                self.pay("1", user=self.staff[who])
        self.assertFalse(Payment.objects.exists())


class SettleTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.org = factories.org()
        cls.staff = staff_of(cls.org)

    def test_settle_with_discount_and_two_payments_in_one_call(self):
        order = ready(self.org, self.staff)
        settled = settlement.work_order_settle(
            user=self.staff["cashier"], order_id=order.pk, discount={"amount": "10"},
            payments=[{"method": "wechat", "amount": "200"}, {"method": "cash", "amount": "90"}], note="thanks")
        self.assertEqual((settled.status, settled.balance, settled.discount_amount),
                         (S.SETTLED, Decimal("0.00"), Decimal("10.00")))
        self.assertIsNotNone(settled.settled_at)
        kinds = list(settled.events.order_by("id").values_list("kind", flat=True))
        self.assertEqual(kinds[-4:], ["discount", "payment", "payment", "settle"])

    def test_a_discount_above_the_limit_refuses_the_whole_call(self):
        order = ready(self.org, self.staff)
        with self.assertRaises(ConflictError) as ctx:
            settlement.work_order_settle(user=self.staff["cashier"], order_id=order.pk, discount={"percent": "10"},
                                         payments=[{"method": "cash", "amount": "270"}])
        self.assertEqual(ctx.exception.code, "needs_approval")
        order.refresh_from_db()
        self.assertEqual((order.status, order.balance), (S.READY_FOR_SETTLEMENT, Decimal("300.00")))
        self.assertFalse(Payment.objects.exists() or DiscountRequest.objects.exists())

    def test_a_balance_is_left_only_within_the_credit(self):
        order = ready(self.org, self.staff)
        with self.assertRaises(ConflictError) as ctx:
            settlement.work_order_settle(user=self.staff["cashier"], order_id=order.pk,
                                         payments=[{"method": "cash", "amount": "100"}])
        self.assertIn("credit", ctx.exception.message)
        self.assertFalse(Payment.objects.exists(), "the payment went back with the refused settlement")
        Customer.objects.filter(pk=order.customer_id).update(credit_limit=Decimal("250.00"))
        with self.captureOnCommitCallbacks(execute=True):
            settled = settlement.work_order_settle(user=self.staff["cashier"], order_id=order.pk,
                                                   payments=[{"method": "cash", "amount": "100"}])
        self.assertEqual((settled.status, settled.balance), (S.SETTLED, Decimal("200.00")))
        customer = Customer.objects.get(pk=order.customer_id)
        self.assertEqual(customer.outstanding_balance, Decimal("200.00"), "refreshed after commit")

    def test_other_open_balances_use_up_the_credit(self):
        first = ready(self.org, self.staff)
        Customer.objects.filter(pk=first.customer_id).update(credit_limit=Decimal("400.00"))
        settlement.work_order_settle(user=self.staff["cashier"], order_id=first.pk)  # 300 on credit
        second = order_ready(self.org["a"], self.staff, hours=("2.00",), customer=first.customer, asset=first.asset)
        with self.assertRaises(ConflictError):
            settlement.work_order_settle(user=self.staff["cashier"], order_id=second.pk)  # 200 > 100 left
        settled = settlement.work_order_settle(user=self.staff["manager"], order_id=second.pk)
        self.assertEqual(settled.balance, Decimal("200.00"), "a manager may extend credit")

    def test_later_payments_reduce_the_balance_and_refresh_the_archive(self):
        order = ready(self.org, self.staff)
        Customer.objects.filter(pk=order.customer_id).update(credit_limit=Decimal("1000.00"))
        with self.captureOnCommitCallbacks(execute=True):
            settlement.work_order_settle(user=self.staff["cashier"], order_id=order.pk)
        self.assertEqual(Customer.objects.get(pk=order.customer_id).outstanding_balance, Decimal("300.00"))
        with self.captureOnCommitCallbacks(execute=True):
            settlement.payment_record(user=self.staff["cashier"], order_id=order.pk,
                                      data={"method": "alipay", "amount": "120"})
        self.assertEqual(WorkOrder.objects.get(pk=order.pk).balance, Decimal("180.00"))
        self.assertEqual(Customer.objects.get(pk=order.customer_id).outstanding_balance, Decimal("180.00"))

    def test_only_a_ready_order_is_settled(self):
        order = factories.work_order(self.org["a"], status=S.QUALITY_CHECK)
        with self.assertRaises(ConflictError):
            settlement.work_order_settle(user=self.staff["cashier"], order_id=order.pk)

    def test_who_settles(self):
        order = ready(self.org, self.staff)
        for who, error in (("advisor", PermissionDeniedError), ("inspector", PermissionDeniedError),
                           ("tech", PermissionDeniedError), ("parts", PermissionDeniedError),
                           ("cashier_b", NotFoundError)):
            with self.subTest(who=who), self.assertRaises(error):
                settlement.work_order_settle(user=self.staff[who], order_id=order.pk,
                                             payments=[{"method": "cash", "amount": "300"}])
        order.refresh_from_db()
        self.assertEqual((order.status, order.paid_total), (S.READY_FOR_SETTLEMENT, Decimal("0.00")))
