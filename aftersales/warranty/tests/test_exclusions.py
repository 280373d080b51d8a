"""The exclusion list: generated permission tests for the API and the pages, and its own rules."""

from django.test import TestCase

from aftersales.core.errors import ApplicationError
from aftersales.core.testing import StandardAPITests, StandardViewTests, bearer, make_org, make_user
from aftersales.warranty.models import WarrantyExclusion
from aftersales.warranty.services import (
    DEFAULT_EXCLUSIONS,
    exclusion_create,
    exclusion_defaults_install,
    exclusion_delete,
    exclusion_update,
)

PERMS = ["warranty.*"]


class _ReferenceData:
    """Exclusions belong to no service point: every holder of the permissions sees and (HQ and point
    managers) changes the same list, so the generated "other point" checks become "the same row"."""

    permission_patterns = PERMS

    @classmethod
    def make_object(cls, point):
        return WarrantyExclusion.objects.create(kind="cause", value="misuse", brand=f"品牌{point.code}")


class ExclusionAPITests(_ReferenceData, StandardAPITests):
    model = WarrantyExclusion
    api_url = "/api/v1/warranty-exclusions"

    def create_payload(self, point):
        return {"kind": "part_category", "value": "paint", "brand": "", "note": "油漆不保修"}

    def update_payload(self):
        return {"is_active": False, "note": "暂停"}

    def bad_payload(self):
        return {"kind": "part_category", "value": "chrome"}, "value"

    def test_list_shows_own_points_only(self):
        ids = {i["id"] for i in self.call("get", self.api_url, self.permitted).json()["items"]}
        self.assertTrue({self.obj_a.pk, self.obj_b.pk} <= ids)

    def test_detail_of_other_point_is_404(self):
        self.assertEqual(self.call("get", self.detail_url(self.obj_b), self.permitted).status_code, 200)

    def test_create_at_other_point_is_refused_and_writes_nothing(self):
        self.skipTest("an exclusion belongs to no service point")

    def test_update_of_other_point_is_404_and_changes_nothing(self):
        response = self.call("patch", self.detail_url(self.obj_b), self.permitted, {"note": "x"})
        self.assertEqual(response.status_code, 200)

    def test_delete_of_other_point_is_404_and_deletes_nothing(self):
        self.assertEqual(self.call("delete", self.detail_url(self.obj_b), self.permitted).status_code, 204)

    def test_detail_shows_the_rule_in_words(self):
        body = self.call("get", self.detail_url(self.obj_a), self.permitted).json()
        self.assertEqual(body["label"], "Cause of the work: Misuse or negligence (品牌A)")
        self.assertEqual(body["effect"], "not_covered")

    def test_list_filters_and_its_query_count(self):
        WarrantyExclusion.objects.create(kind="hour_limit", value="10", effect="needs_approval", is_active=False)
        for i in range(20):
            WarrantyExclusion.objects.create(kind="cause", value="misuse", brand=f"其他{i}")
        headers = bearer(self.permitted)
        self.client.get(self.api_url, **headers)  # the first use of a token also records when it was used
        with self.assertNumQueries(6):  # token, access rights (4), the page
            response = self.client.get(self.api_url, {"kind": "hour_limit", "is_active": "false"}, **headers)
        self.assertEqual([i["value"] for i in response.json()["items"]], ["10"])
        with self.assertNumQueries(6):
            response = self.client.get(self.api_url, **headers)
        self.assertEqual(len(response.json()["items"]), 23)
        by_brand = self.client.get(self.api_url, {"brand": "品牌b"}, **headers).json()["items"]
        self.assertEqual([i["id"] for i in by_brand], [self.obj_b.pk])

    def test_huge_and_negative_ids_are_404(self):
        for pk in ("99999999999999999999999", "-1", "0"):
            with self.subTest(pk=pk):
                self.assertEqual(self.call("get", f"{self.api_url}/{pk}", self.permitted).status_code, 404)

    def test_nul_byte_is_422_and_writes_nothing(self):
        before = WarrantyExclusion.objects.count()
        response = self.call("post", self.api_url, self.permitted, {"kind": "wear_part", "note": "a\x00b"})
        self.assertEqual(response.status_code, 422)
        self.assertIn("note", response.json()["fields"])
        self.assertEqual(WarrantyExclusion.objects.count(), before)

    def test_duplicate_is_409_naming_value(self):
        response = self.call("post", self.api_url, self.permitted, {"kind": "cause", "value": "misuse",
                                                                    "brand": "品牌a"})
        self.assertEqual(response.status_code, 409)
        self.assertIn("value", response.json()["fields"])

    def test_advisor_reads_but_cannot_change(self):
        advisor = make_user("adv", point=self.point_a, role="service_advisor")
        self.assertEqual(self.call("get", self.api_url, advisor).status_code, 200)
        before = self.snapshot(self.obj_a)
        self.assertEqual(self.call("patch", self.detail_url(self.obj_a), advisor, {"is_active": False}).status_code,
                         403)
        self.assertEqual(self.call("post", self.api_url, advisor, self.create_payload(self.point_a)).status_code, 403)
        self.assertEqual(self.call("delete", self.detail_url(self.obj_a), advisor).status_code, 403)
        self.assertEqual(self.snapshot(self.obj_a), before)

    def test_point_manager_changes_the_list(self):
        manager = make_user("mgr", point=self.point_b, role="point_manager")
        response = self.call("patch", self.detail_url(self.obj_a), manager, {"effect": "needs_approval"})
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["effect"], "needs_approval")


class ExclusionViewTests(_ReferenceData, StandardViewTests):
    model = WarrantyExclusion
    list_url = "/warranty/exclusions/"
    create_url = "/warranty/exclusions/new/"

    def edit_url(self, obj):
        return f"/warranty/exclusions/{obj.pk}/edit/"

    def delete_url(self, obj):
        return f"/warranty/exclusions/{obj.pk}/delete/"

    def form_data(self, point):
        return {"kind": "hour_limit", "hours": "12", "applies_to": "warranty", "is_active": "on"}

    def edit_data(self, obj):
        return {"kind": "cause", "cause": "accident", "brand": obj.brand, "applies_to": "both", "is_active": "on"}

    def test_list_shows_own_points_only(self):
        self._login(self.permitted)
        response = self.client.get(self.list_url)
        self.assertContains(response, self.obj_a.get_absolute_url())
        self.assertContains(response, self.obj_b.get_absolute_url())

    def test_detail_of_other_point_is_404(self):
        self._login(self.permitted)
        self.assertEqual(self.client.get(self.obj_b.get_absolute_url()).status_code, 200)

    def test_edit_of_other_point_is_404_and_changes_nothing(self):
        self.skipTest("an exclusion belongs to no service point")

    def test_delete_of_other_point_is_404(self):
        self.skipTest("an exclusion belongs to no service point")

    def test_create_stores_the_value_of_the_chosen_kind(self):
        self._login(self.permitted)
        response = self.client.post(self.create_url, {"kind": "part_category", "part_category": "glass",
                                                      "cause": "misuse", "applies_to": "warranty"})
        rule = WarrantyExclusion.objects.get(kind="part_category")
        self.assertRedirects(response, rule.get_absolute_url())
        self.assertEqual((rule.value, rule.effect, rule.is_active), ("glass", "not_covered", False))

    def test_missing_value_is_shown_beside_the_kinds_box(self):
        self._login(self.permitted)
        before = WarrantyExclusion.objects.count()
        response = self.client.post(self.create_url, {"kind": "hour_limit", "applies_to": "warranty"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["form"].errors["hours"], ["This field is required."])
        self.assertContains(response, 'data-field="hours"')
        self.assertEqual(WarrantyExclusion.objects.count(), before)

    def test_edit_page_shows_the_current_value(self):
        self._login(self.permitted)
        response = self.client.get(self.edit_url(self.obj_a))
        self.assertEqual(response.context["form"].initial["cause"], "misuse")

    def test_filters(self):
        WarrantyExclusion.objects.create(kind="wear_part", is_active=False)
        self._login(self.permitted)
        response = self.client.get(self.list_url, {"kind": "wear_part", "active": "0"})
        self.assertEqual([r.kind for r in response.context["page"]], ["wear_part"])
        response = self.client.get(self.list_url, {"q": "品牌B"})
        self.assertEqual([r.pk for r in response.context["page"]], [self.obj_b.pk])

    def test_advisor_sees_the_list_without_buttons_and_cannot_open_the_form(self):
        self._login(make_user("adv", point=self.point_a, role="service_advisor"))
        response = self.client.get(self.list_url)
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, self.create_url)
        self.assertEqual(self.client.get(self.create_url).status_code, 403)
        self.assertEqual(self.client.post(self.delete_url(self.obj_a)).status_code, 403)
        self.assertTrue(WarrantyExclusion.objects.filter(pk=self.obj_a.pk).exists())

    def test_default_exclusions_button(self):
        self._login(self.permitted)
        response = self.client.post("/warranty/exclusions/defaults/")
        self.assertRedirects(response, self.list_url)
        self.assertEqual(WarrantyExclusion.objects.filter(brand="").count(), len(DEFAULT_EXCLUSIONS))


class ExclusionServiceTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.org = make_org()
        cls.hq = make_user("hq", point=cls.org["hq"], role="hq_manager")

    def create(self, **data):
        return exclusion_create(user=self.hq, data=data)

    def assertInvalid(self, field, **data):
        with self.assertRaises(ApplicationError) as caught:
            self.create(**data)
        self.assertEqual(caught.exception.status, 422)
        self.assertIn(field, caught.exception.fields)

    def test_values_are_checked_per_kind(self):
        self.assertInvalid("value", kind="wear_part", value="brake")
        self.assertInvalid("value", kind="part_category", value="")
        self.assertInvalid("value", kind="part_category", value="engine_oil")
        self.assertInvalid("value", kind="operation_category", value="filter")
        self.assertInvalid("value", kind="cause", value="weather")
        self.assertInvalid("value", kind="hour_limit", value="zero")
        self.assertInvalid("value", kind="hour_limit", value="0")
        self.assertInvalid("value", kind="hour_limit", value="1000")
        self.assertInvalid("kind", kind="colour")
        self.assertInvalid("effect", kind="wear_part", effect="maybe")
        self.assertInvalid("brand", kind="wear_part", brand="x" * 51)
        self.assertEqual(WarrantyExclusion.objects.count(), 0)

    def test_hour_limit_is_stored_plainly_and_asks_for_approval_by_default(self):
        rule = self.create(kind="hour_limit", value="10.50")
        self.assertEqual((rule.value, rule.effect, rule.applies_to), ("10.5", "needs_approval", "warranty"))
        self.assertEqual(rule.label, "Labour hours above a limit: above 10.5 hours")

    def test_changing_the_kind_checks_the_value_again(self):
        rule = self.create(kind="cause", value="misuse")
        with self.assertRaises(ApplicationError) as caught:
            exclusion_update(user=self.hq, pk=rule.pk, data={"kind": "part_category"})
        self.assertIn("value", caught.exception.fields)
        rule.refresh_from_db()
        self.assertEqual(rule.kind, "cause")
        exclusion_update(user=self.hq, pk=rule.pk, data={"kind": "part_category", "value": "glass"})
        rule.refresh_from_db()
        self.assertEqual((rule.kind, rule.value), ("part_category", "glass"))

    def test_same_rule_for_another_brand_or_pay_type_is_allowed(self):
        self.create(kind="part_category", value="glass")
        self.create(kind="part_category", value="glass", brand="一汽丰田")
        self.create(kind="part_category", value="glass", applies_to="contract")
        with self.assertRaises(ApplicationError) as caught:
            self.create(kind="part_category", value="glass", brand="一汽丰田".upper())
        self.assertEqual(caught.exception.status, 409)

    def test_changes_are_audited(self):
        from aftersales.core.models import AuditLog

        rule = self.create(kind="wear_part")
        exclusion_update(user=self.hq, pk=rule.pk, data={"is_active": False})
        exclusion_delete(user=self.hq, pk=rule.pk)
        self.assertEqual(list(AuditLog.objects.filter(object_id=str(rule.pk)).order_by("id")
                              .values_list("action", flat=True)), ["create", "update", "delete"])

    def test_without_permission_nothing_is_written(self):
        technician = make_user("tech", point=self.org["a"], role="technician")
        with self.assertRaises(ApplicationError) as caught:
            exclusion_create(user=technician, data={"kind": "wear_part"})
        self.assertEqual(caught.exception.status, 403)
        self.assertFalse(WarrantyExclusion.objects.exists())

    def test_defaults_are_installed_once(self):
        self.assertEqual(exclusion_defaults_install(user=self.hq), 10)
        self.assertEqual(exclusion_defaults_install(user=self.hq), 0)
        self.assertEqual(WarrantyExclusion.objects.get(kind="hour_limit").effect, "needs_approval")
        self.assertEqual(set(WarrantyExclusion.objects.filter(kind="cause").values_list("value", flat=True)),
                         {"misuse", "accident"})

    def test_an_inactive_default_is_not_added_again(self):
        exclusion_defaults_install(user=self.hq)
        WarrantyExclusion.objects.filter(kind="wear_part").update(is_active=False)
        self.assertEqual(exclusion_defaults_install(user=self.hq), 0)
        self.assertFalse(WarrantyExclusion.objects.get(kind="wear_part").is_active)

