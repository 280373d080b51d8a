"""Classification rules → classes, set-based recompute, transaction sources, and the rules' API and pages."""

import datetime as dt
from decimal import Decimal

from django.db import connection
from django.db.models import Count, Max, Min, Sum, Value
from django.db.models.fields import DecimalField
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from aftersales.core.errors import PermissionDeniedError
from aftersales.core.models import AuditLog
from aftersales.core.testing import StandardAPITests, StandardViewTests, bearer, make_org, make_user
from aftersales.customers.classification import strategy_for
from aftersales.customers.models import ClassificationRule, Customer, CustomerPointLink
from aftersales.customers.services import (
    classification_rule_update,
    customer_classify,
    customer_transaction_status_refresh,
    customers_classify_all,
)
from aftersales.customers.tasks import classify_all_customers
from aftersales.customers.transactions import (
    register_transaction_source,
    transaction_sources,
    unregister_transaction_source,
)

from .factories import customer

NOW = timezone.now()


def _days_ago(days: int):
    return NOW - dt.timedelta(days=days)


class DefaultRulesTests(TestCase):
    """Given the default rule set from migration 0003 …"""

    @classmethod
    def setUpTestData(cls):
        cls.org = make_org()
        cls.a, cls.b = cls.org["a"], cls.org["b"]
        cls.hq = make_user("hq", point=cls.org["hq"], role="hq_manager")
        fields = {"first_visit_at": _days_ago(1000), "last_visit_at": _days_ago(30)}
        cls.best = customer(cls.a, "大客户", "13800000001", visit_count=12, total_spend=Decimal("60000"),
                            credit_rating="good", **fields)
        cls.regular = customer(cls.a, "老客户", "13800000002", visit_count=3, total_spend=Decimal("6000"),
                               **fields)
        cls.blocked = customer(cls.a, "欠款户", "13800000003", visit_count=12, total_spend=Decimal("60000"),
                               credit_rating="blocked", **fields)
        cls.lapsed = customer(cls.b, "流失户", "13800000004", visit_count=12, total_spend=Decimal("60000"),
                              first_visit_at=_days_ago(3000), last_visit_at=_days_ago(800))
        cls.new = customer(cls.b, "新客户", "13800000005")

    def classes(self):
        return {c.name: (c.abc_class, c.value_tier) for c in Customer.objects.all()}

    def test_the_default_rules_give_the_documented_classes(self):
        self.assertEqual(ClassificationRule.objects.count(), 8)
        result = customers_classify_all(user=None, refresh=False)
        self.assertEqual(self.classes(), {
            "大客户": ("A", "gold"), "老客户": ("B", "bronze"), "欠款户": ("C", "gold"),
            "流失户": ("C", "lead"), "新客户": ("C", "lead"),
        })
        self.assertEqual(result, {"classified": 5, "changed": 5, "abc": {"A": 1, "B": 1, "C": 3},
                                  "tiers": {"gold": 2, "bronze": 1, "lead": 2}})
        # A second run finds nothing to change and writes no row.
        self.assertEqual(customers_classify_all(user=None, refresh=False)["changed"], 0)

    def test_recompute_is_one_statement_whatever_the_number_of_customers(self):
        def statements() -> int:
            with CaptureQueriesContext(connection) as ctx:
                customers_classify_all(user=None, refresh=False)
            return sum(1 for q in ctx.captured_queries if q["sql"].startswith("UPDATE"))

        self.assertEqual(statements(), 1)
        for i in range(20):
            customer(self.a, f"客户{i}", f"1370000{i:04d}", visit_count=i)
        self.assertEqual(statements(), 1)

    def test_an_edited_rule_changes_the_class(self):
        rule = ClassificationRule.objects.get(dimension="abc", result="B")
        classification_rule_update(user=self.hq, pk=rule.pk, data={"min_spend": "7000"})
        customers_classify_all(user=None, refresh=False)
        self.assertEqual(self.classes()["老客户"][0], "C")

    def test_inactive_rules_are_skipped_and_no_rule_means_no_class(self):
        ClassificationRule.objects.filter(dimension="tier").update(is_active=False)
        customers_classify_all(user=None, refresh=False)
        self.assertEqual({tier for _abc, tier in self.classes().values()}, {""})

    def test_point_user_reclassifies_only_own_archives(self):
        manager = make_user("mgr", point=self.a, role="point_manager")
        result = customers_classify_all(user=manager, refresh=False)
        self.assertEqual(result["classified"], 3)
        self.assertEqual(self.classes()["新客户"], ("", ""))

    def test_one_customer_on_demand_with_strategy_and_audit(self):
        manager = make_user("mgr", point=self.a, role="point_manager")
        for point in self.org.values():  # six visits, the first 1000 days ago, the last 30 days ago
            CustomerPointLink.objects.create(customer=self.best, service_point=point)
        CustomerPointLink.objects.filter(customer=self.best).update(since=_days_ago(1000))
        CustomerPointLink.objects.filter(customer=self.best, service_point=self.b).update(since=_days_ago(30))
        money = DecimalField(max_digits=14, decimal_places=2)
        register_transaction_source("test-links", lambda: CustomerPointLink.objects.values("customer_id").annotate(
            first_visit_at=Min("since"), last_visit_at=Max("since"), visit_count=Count("id"),
            total_spend=Sum(Value(Decimal("10000.00"), output_field=money)),
            outstanding_balance=Sum(Value(Decimal("0"), output_field=money)), open_orders=Count("id")))
        self.addCleanup(unregister_transaction_source, "test-links")
        result = customer_classify(user=manager, pk=self.best.pk)
        self.assertEqual((result.visit_count, result.total_spend), (6, Decimal("60000.00")))
        self.assertEqual((result.abc_class, result.value_tier), ("A", "silver"))  # gold needs 10 visits
        rules = strategy_for(result)
        self.assertEqual((rules["abc"].visit_interval_days, rules["abc"].follow_up_priority), (90, "high"))
        self.assertEqual(rules["tier"].result, "silver")
        row = AuditLog.objects.get(action="classify", object_id=str(self.best.pk))
        self.assertEqual((row.before, row.after), ({"abc_class": "", "value_tier": ""},
                                                   {"abc_class": "A", "value_tier": "silver"}))

    def test_periodic_task_refreshes_then_classifies_everyone(self):
        result = classify_all_customers.delay().get()
        # No transaction sources are registered: every archive is back to zero visits, so C / lead.
        self.assertEqual(result["abc"], {"C": 5})
        self.assertEqual(Customer.objects.filter(visit_count=0, total_spend=0).count(), 5)


class TransactionSourceTests(TestCase):
    """The refresh mechanism on its own: the apps' registered sources (work orders) are set aside."""

    @classmethod
    def setUpTestData(cls):
        cls.org = make_org()
        cls.a, cls.b, cls.c = cls.org["a"], cls.org["b"], cls.org["c"]
        cls.zhang = customer(cls.a, "张三", "13800000001")
        cls.li = customer(cls.a, "李四", "13800000002")

    def setUp(self):
        registered = transaction_sources()
        for name in registered:
            unregister_transaction_source(name)
        self.addCleanup(lambda: [register_transaction_source(n, f) for n, f in registered.items()])

    def test_sources_are_combined_set_based(self):
        money = DecimalField(max_digits=14, decimal_places=2)

        def visits():  # a stand-in for work orders: each point link counts as one paid visit
            return CustomerPointLink.objects.values("customer_id").annotate(
                first_visit_at=Min("since"), last_visit_at=Max("since"), visit_count=Count("id"),
                total_spend=Sum(Value(Decimal("100.00"), output_field=money)),
                outstanding_balance=Sum(Value(Decimal("10.00"), output_field=money)),
                open_orders=Count("id"))

        def second():
            return CustomerPointLink.objects.filter(service_point=self.b).values("customer_id").annotate(
                first_visit_at=Min("since"), last_visit_at=Max("since"), visit_count=Count("id"),
                total_spend=Sum(Value(Decimal("1.50"), output_field=money)),
                outstanding_balance=Sum(Value(Decimal("0"), output_field=money)), open_orders=Count("id"))

        CustomerPointLink.objects.create(customer=self.zhang, service_point=self.b)
        CustomerPointLink.objects.create(customer=self.zhang, service_point=self.c)
        register_transaction_source("test-visits", visits)
        register_transaction_source("test-second", second)
        self.addCleanup(unregister_transaction_source, "test-visits")
        self.addCleanup(unregister_transaction_source, "test-second")
        with CaptureQueriesContext(connection) as ctx:
            customer_transaction_status_refresh()
        self.assertEqual(sum(1 for q in ctx.captured_queries if q["sql"].startswith("UPDATE")), 3)
        self.zhang.refresh_from_db()
        self.li.refresh_from_db()
        self.assertEqual((self.zhang.visit_count, self.zhang.total_spend, self.zhang.outstanding_balance,
                          self.zhang.open_orders), (3, Decimal("201.50"), Decimal("20.00"), 3))
        self.assertIsNotNone(self.zhang.first_visit_at)
        self.assertLessEqual(self.zhang.first_visit_at, self.zhang.last_visit_at)
        self.assertEqual((self.li.visit_count, self.li.total_spend, self.li.last_visit_at), (0, 0, None))

    def test_without_sources_everything_is_zero_and_idle_archives_are_not_rewritten(self):
        self.assertEqual(customer_transaction_status_refresh(), 0)
        Customer.objects.update(visit_count=4, total_spend=Decimal("9"), last_visit_at=NOW)
        self.assertEqual(customer_transaction_status_refresh(customer_ids=[self.zhang.pk]), 1)
        self.zhang.refresh_from_db()
        self.li.refresh_from_db()
        self.assertEqual((self.zhang.visit_count, self.zhang.total_spend, self.zhang.last_visit_at), (0, 0, None))
        self.assertEqual(self.li.visit_count, 4)


# --- the rules' API and pages ---------------------------------------------------------------------------

RULE_PERMS = ["customers.*_classificationrule"]
FREE_CLASSES = iter(["A", "B"])


class _RuleSetUp:
    """Rules are company-wide data: the generated "other point" cases become "a point user may read
    them but only HQ may change them"."""

    model = ClassificationRule
    permission_patterns = RULE_PERMS

    @classmethod
    def setUpTestData(cls):
        ClassificationRule.objects.all().delete()
        super().setUpTestData()
        role = cls.permitted.memberships.get().role
        role.scope = "all"
        role.save()
        cls.point_user = make_user("point_rules", point=cls.point_a, perms=RULE_PERMS)

    @classmethod
    def make_object(cls, point):
        result = "A" if not ClassificationRule.objects.filter(result="A").exists() else "B"
        return ClassificationRule.objects.create(dimension="abc", result=result, rank=0 if result == "A" else 1,
                                                 min_visits=5, strategy=f"at {point.code}")


class ClassificationRuleAPITests(_RuleSetUp, StandardAPITests):
    api_url = "/api/v1/classification-rules"
    other_point_create_status = 403

    def create_payload(self, point):
        return {"dimension": "tier", "result": "gold", "min_spend": "50000", "visit_interval_days": 60,
                "follow_up_priority": "high", "credit_ratings": ["good"]}

    def update_payload(self):
        return {"min_visits": 8, "strategy": "季度回访"}

    def bad_payload(self):
        return {"dimension": "abc", "result": "Z"}, "result"

    def test_list_shows_own_points_only(self):
        # company-wide: a point user sees every rule
        ids = {i["id"] for i in self.call("get", self.api_url, self.point_user).json()["items"]}
        self.assertEqual(ids, {self.obj_a.pk, self.obj_b.pk})

    def test_detail_of_other_point_is_404(self):
        self.assertEqual(self.call("get", self.detail_url(self.obj_b), self.point_user).status_code, 200)
        self.assertEqual(self.call("get", f"{self.api_url}/999999", self.point_user).status_code, 404)

    def test_create_at_other_point_is_refused_and_writes_nothing(self):
        before = ClassificationRule.objects.count()
        response = self.call("post", self.api_url, self.point_user, self.create_payload(self.point_a))
        self.assertEqual(response.status_code, 403)
        self.assertEqual(ClassificationRule.objects.count(), before)

    def test_update_of_other_point_is_404_and_changes_nothing(self):
        before = self.snapshot(self.obj_b)
        response = self.call("patch", self.detail_url(self.obj_b), self.point_user, self.update_payload())
        self.assertEqual(response.status_code, 403)
        self.assertEqual(self.snapshot(self.obj_b), before)

    def test_delete_of_other_point_is_404_and_deletes_nothing(self):
        self.assertEqual(self.call("delete", self.detail_url(self.obj_b), self.point_user).status_code, 403)
        self.assertTrue(ClassificationRule.objects.filter(pk=self.obj_b.pk).exists())

    def test_one_rule_per_class(self):
        response = self.call("post", self.api_url, self.permitted, {"dimension": "abc", "result": "A"})
        self.assertEqual(response.status_code, 422)
        self.assertEqual(response.json()["fields"], {"result": ["This class already has a rule."]})

    def test_classify_endpoints(self):
        hq = make_user("hq", point=self.org["hq"], role="hq_manager")
        target = customer(self.point_a, "张三", "13800000009")
        one = self.call("post", f"/api/v1/customers/{target.pk}/classify", hq)
        self.assertEqual(one.status_code, 200, one.content)
        self.assertEqual(one.json()["abc_class"], "")  # the only rules here need 5 visits
        everything = self.call("post", "/api/v1/customers/classify", hq)
        self.assertEqual(everything.json(), {"classified": 1, "changed": 0, "abc": {"-": 1}, "tiers": {"-": 1}})
        advisor = make_user("advisor", point=self.point_a, role="service_advisor")
        self.assertEqual(self.call("post", "/api/v1/customers/classify", advisor).status_code, 403)
        with self.assertRaises(PermissionDeniedError):
            customers_classify_all(user=advisor)


class ClassificationRuleViewTests(_RuleSetUp, StandardViewTests):
    list_url = "/customers/rules/"
    create_url = "/customers/rules/new/"

    def edit_url(self, obj):
        return f"/customers/rules/{obj.pk}/edit/"

    def delete_url(self, obj):
        return f"/customers/rules/{obj.pk}/delete/"

    def form_data(self, point):
        return {"dimension": "tier", "result": "silver", "visit_interval_days": 90, "follow_up_priority": "high",
                "credit_ratings": ["good", "normal"], "is_active": "on"}

    def edit_data(self, obj):
        return {"visit_interval_days": 30, "follow_up_priority": "low", "min_visits": 9, "is_active": "on"}

    def test_list_shows_own_points_only(self):
        self._login(self.point_user)
        response = self.client.get(self.list_url)
        self.assertContains(response, self.detail_url(self.obj_a))
        self.assertContains(response, self.detail_url(self.obj_b))
        self.assertNotContains(response, "/customers/rules/new/")

    def test_detail_of_other_point_is_404(self):
        self._login(self.point_user)
        self.assertEqual(self.client.get(self.detail_url(self.obj_b)).status_code, 200)
        self.assertEqual(self.client.get("/customers/rules/999999/").status_code, 404)

    def test_edit_of_other_point_is_404_and_changes_nothing(self):
        self._login(self.point_user)
        before = self.snapshot(self.obj_b)
        self.assertEqual(self.client.post(self.edit_url(self.obj_b), self.edit_data(self.obj_b)).status_code, 403)
        self.assertEqual(self.snapshot(self.obj_b), before)

    def test_delete_of_other_point_is_404(self):
        self._login(self.point_user)
        self.assertEqual(self.client.post(self.delete_url(self.obj_b)).status_code, 403)
        self.assertTrue(ClassificationRule.objects.filter(pk=self.obj_b.pk).exists())

    def test_form_error_beside_the_field(self):
        self._login(self.permitted)
        response = self.client.post(self.create_url, {**self.form_data(self.point_a), "dimension": "abc",
                                                      "result": "A"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["form"].errors["result"], ["This class already has a rule."])

    def test_recompute_all_button(self):
        hq = make_user("hq", point=self.org["hq"], role="hq_manager")
        customer(self.point_a, "张三", "13800000009", visit_count=6)
        self._login(hq)
        response = self.client.post("/customers/classify/", follow=True)
        self.assertContains(response, "1 archives classified.")
        # The periodic refresh found no business (no sources), so the 6 visits are gone: no class.
        self.assertEqual(Customer.objects.get().visit_count, 0)


def test_rule_api_bad_numbers_named(client, db):
    org = make_org()
    hq = make_user("hq", point=org["hq"], role="hq_manager")
    response = client.post("/api/v1/classification-rules", data={"dimension": "tier", "result": "iron",
                                                                 "min_visits": -1},
                           content_type="application/json", **bearer(hq))
    assert response.status_code == 422
    assert "min_visits" in response.json()["fields"]
