"""Who may do what on the floor and at the cashier, with the default roles, over the API.

Technicians clock and report the repair finished; QC inspectors pass or fail; cashiers settle;
managers approve discounts and credit; advisors assign and deliver. Everything else is denied (403)
and changes nothing; staff of another point get 404.
"""

from decimal import Decimal

from django.test import TestCase

from aftersales.workshop.choices import JobStatus, LineKind, WorkOrderStatus
from aftersales.workshop.models import DiscountRequest, JobAssignment, WorkOrder, WorkOrderEvent

from . import factories
from ._floor_helpers import ApiCalls, checklist, staff_of

S = WorkOrderStatus
API = "/api/v1"
EVERYONE = ["advisor", "tech", "inspector", "cashier", "manager", "parts", "claims"]


class FloorRoleTests(ApiCalls, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.org = factories.org()
        cls.staff = staff_of(cls.org)
        checklist(items=["Road test"])

    def expect(self, allowed: dict[str, int], other_point: str, make, call, changed):
        """For every role: ``call(order, user)`` answers ``allowed[role]`` or 403; ``other_point`` 404.
        A denied call leaves ``changed(order)`` as it was."""
        for who in [*EVERYONE, other_point]:
            expected = allowed.get(who, 404 if who == other_point else 403)
            with self.subTest(who=who):
                order = make(self.staff[who])
                before = changed(order)
                response = call(order, self.staff[who])
                self.assertEqual(response.status_code, expected, f"{who}: {response.content[:300]}")
                if expected >= 400:
                    self.assertEqual(changed(order), before, f"{who} changed something")

    @staticmethod
    def state(order):
        order = WorkOrder.objects.get(pk=order.pk)
        return (order.status, order.paid_total, order.discount_amount, order.events.count())

    def test_assigning_technicians(self):
        def make(_user):
            return factories.work_order(self.org["a"], status=S.APPROVED)

        def call(order, user):
            line = order.lines.get()
            return self.api("post", f"{API}/work-orders/{order.pk}/lines/{line.pk}/assignments", user,
                            {"technician_ids": [self.staff["tech"].pk]})

        self.expect({"advisor": 201, "manager": 201}, "advisor_b", make, call,
                    lambda o: JobAssignment.objects.filter(line__work_order=o).count())

    def test_clocking_on(self):
        def make(user):
            order = factories.work_order(self.org["a"], status=S.APPROVED)
            if user is self.staff["tech"]:
                JobAssignment.objects.create(line=order.lines.get(), technician=user)
            return order

        def call(order, user):
            return self.api("post", f"{API}/jobs/{order.lines.get().pk}/clock-on", user, {})

        # the manager holds every workshop permission, but is not assigned to the job
        self.expect({"tech": 200}, "tech_b", make, call, self.state)

    def test_reporting_the_repair_finished(self):
        def make(_user):
            order = factories.work_order(self.org["a"], status=S.IN_REPAIR)
            order.lines.update(job_status=JobStatus.DONE)
            return order

        def call(order, user):
            return self.api("post", f"{API}/work-orders/{order.pk}/finish-repair", user, {})

        self.expect({"tech": 200, "advisor": 200, "manager": 200}, "tech_b", make, call, self.state)

    def test_passing_or_failing_the_quality_check(self):
        def make(_user):
            return factories.work_order(self.org["a"], status=S.QUALITY_CHECK)

        def call(order, user):
            return self.api("post", f"{API}/work-orders/{order.pk}/inspections", user,
                            {"results": [{"item": "Road test", "ok": False}], "reasons": "Noise"})

        self.expect({"inspector": 201, "manager": 201}, "inspector_b", make, call, self.state)

    def test_settling(self):
        def make(_user):
            return factories.work_order(self.org["a"], status=S.READY_FOR_SETTLEMENT)

        def call(order, user):
            return self.api("post", f"{API}/work-orders/{order.pk}/settle", user,
                            {"payments": [{"method": "cash", "amount": "100.00"}]})

        self.expect({"cashier": 200, "manager": 200}, "cashier_b", make, call, self.state)

    def test_taking_a_payment(self):
        def make(_user):
            return factories.work_order(self.org["a"], status=S.READY_FOR_SETTLEMENT)

        def call(order, user):
            return self.api("post", f"{API}/work-orders/{order.pk}/payments", user, {"method": "card", "amount": "50"})

        self.expect({"cashier": 201, "manager": 201}, "cashier_b", make, call, self.state)

    def test_approving_a_discount_above_the_limit(self):
        def make(_user):
            order = factories.work_order(self.org["a"], status=S.READY_FOR_SETTLEMENT)
            DiscountRequest.objects.create(work_order=order, amount=Decimal("30.00"), percent=Decimal("30.00"),
                                           status="pending", requested_by=self.staff["cashier"])
            return order

        def call(order, user):
            request = order.discount_requests.get()
            return self.api("post", f"{API}/discount-requests/{request.pk}/decision", user, {"approve": True})

        self.expect({"manager": 200}, "manager_b", make, call,
                    lambda o: (self.state(o), o.discount_requests.get().status))

    def test_settling_beyond_the_customers_credit(self):
        def make(_user):
            return factories.work_order(self.org["a"], status=S.READY_FOR_SETTLEMENT)

        def call(order, user):
            return self.api("post", f"{API}/work-orders/{order.pk}/settle", user, {})

        # the cashier may settle, but not leave 100.00 open on a customer without credit
        self.expect({"manager": 200, "cashier": 409}, "cashier_b", make, call, self.state)

    def test_delivering(self):
        def make(_user):
            return factories.work_order(self.org["a"], status=S.SETTLED,
                                        lines=[{"kind": LineKind.LABOUR}, {"kind": LineKind.PART}])

        def call(order, user):
            return self.api("post", f"{API}/work-orders/{order.pk}/deliver", user, {})

        self.expect({"advisor": 200, "manager": 200}, "advisor_b", make, call, self.state)

    def test_correcting_time_and_reading_the_hours_report(self):
        for who in EVERYONE:
            expected = 200 if who == "manager" else 403
            with self.subTest(who=who):
                response = self.api("get", f"{API}/reports/technician-hours", self.staff[who])
                self.assertEqual(response.status_code, expected)

    def test_denials_leave_no_event(self):
        self.assertFalse(WorkOrderEvent.objects.filter(actor__in=[self.staff["parts"], self.staff["claims"]]).exists())
