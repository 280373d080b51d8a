"""POST /warranty/check and the warranty check page."""

import json

from django.test import TestCase

from aftersales.core.testing import bearer, make_org, make_user

from .factories import car, cover, exclusion, operation, part

URL = "/api/v1/warranty/check"


class CheckEndpointTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.org = make_org()
        cls.advisor = make_user("advisor", point=cls.org["a"], role="service_advisor")
        cls.technician = make_user("tech", point=cls.org["a"], role="technician")
        cls.asset = car(cls.org["a"])
        cls.base = cover(cls.asset)
        cls.other_asset = car(cls.org["b"])
        cover(cls.other_asset)
        cls.pads = part(name="刹车片 前", category="brake", wear=True, number="1K0698151")
        cls.engine = operation(name="发动机大修", hours="14", code="ENG-OH")
        exclusion("wear_part")
        exclusion("hour_limit", "10", effect="needs_approval")

    def post(self, data, user=None):
        headers = bearer(user or self.advisor) if user is not False else {}
        return self.client.post(URL, json.dumps(data), content_type="application/json", **headers)

    def body(self, **extra):
        return {"asset_id": self.asset.pk, "on_date": "2025-06-01", "mileage": 45000, "pay_type": "C", **extra}

    def test_covered_line_with_its_coverage(self):
        response = self.post(self.body())
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json(), {
            "status": "covered", "status_label": "Covered",
            "reasons": ["Base warranty (包修期) applies: in force until 2026-12-31 and up to 100,000 km.",
                        "The reading is 45,000 km."],
            "coverage": {"id": self.base.pk, "kind": "base_warranty", "starts_on": "2024-01-01",
                         "ends_on": "2026-12-31", "distance_limit": 100000},
        })

    def test_wear_part_is_not_covered(self):
        body = self.post(self.body(kind="part", part_id=self.pads.pk)).json()
        self.assertEqual(body["status"], "not_covered")
        self.assertEqual(body["reasons"][-1], "1K0698151 刹车片 前 is a wear part (易损件). Not covered.")

    def test_long_job_needs_approval(self):
        body = self.post(self.body(operation_id=self.engine.pk)).json()
        self.assertEqual(body["status"], "needs_approval")
        self.assertEqual(body["status_label"], "Needs the manufacturer's approval")

    def test_pay_type_a_is_not_checked(self):
        body = self.post(self.body(pay_type="A")).json()
        self.assertEqual((body["status"], body["coverage"]), ("not_checked", None))

    def test_anonymous_is_401(self):
        self.assertEqual(self.post(self.body(), user=False).status_code, 401)

    def test_technician_without_warranty_permission_is_403(self):
        response = self.post(self.body(), user=self.technician)
        self.assertEqual(response.status_code, 403)
        self.assertEqual(response.json()["code"], "permission_denied")

    def test_asset_of_another_point_is_unknown(self):
        response = self.post(self.body(asset_id=self.other_asset.pk))
        self.assertEqual(response.status_code, 422)
        self.assertEqual(response.json()["fields"], {"asset_id": ["Unknown asset."]})

    def test_bad_input_is_422_naming_the_field(self):
        cases = [
            ({"asset_id": 2**63}, "asset_id"),
            ({"asset_id": "abc"}, "asset_id"),
            ({"on_date": "2025-02-30"}, "on_date"),
            ({"mileage": -5}, "mileage"),
            ({"pay_type": "Z"}, "pay_type"),
            ({"kind": "paint"}, "kind"),
            ({"cause": "storm"}, "cause"),
            ({"hours": "-1"}, "hours"),
            ({"hours": "1.234"}, "hours"),
            ({"part_id": 99999999}, "part_id"),
            ({"part_id": 2**64}, "part_id"),
            ({"operation_id": 99999999}, "operation_id"),
        ]
        for change, field in cases:
            with self.subTest(change=change):
                response = self.post(self.body(**change))
                self.assertEqual(response.status_code, 422, response.content)
                self.assertIn(field, response.json()["fields"])

    def test_missing_date_means_today(self):
        response = self.post({"asset_id": self.asset.pk, "pay_type": "C"})
        self.assertEqual(response.status_code, 200)
        self.assertIn(response.json()["status"], {"covered", "not_covered"})


class CheckPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.org = make_org()
        cls.advisor = make_user("advisor", point=cls.org["a"], role="service_advisor")
        cls.asset = car(cls.org["a"])
        cls.asset.plate = "沪A12345"
        cls.asset.save()
        cover(cls.asset)
        cls.other = car(cls.org["b"])
        cls.other.plate = "沪B54321"
        cls.other.save()
        cls.paint = part(name="油漆", category="paint", number="PAINT-1")
        exclusion("part_category", "paint")

    def setUp(self):
        self.client.force_login(self.advisor)

    def params(self, **extra):
        return {"asset": "沪A12345", "on_date": "2025-06-01", "mileage": "45000", "pay_type": "C", "kind": "part",
                "cause": "fault", "part": "paint-1", **extra}

    def test_page_without_input_explains_itself(self):
        response = self.client.get("/warranty/check/")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Enter the vehicle or product and the line")

    def test_verdict_and_reasons_are_shown(self):
        response = self.client.get("/warranty/check/", self.params())
        self.assertContains(response, 'data-verdict="not_covered"')
        self.assertContains(response, "PAINT-1 油漆 is in the category Paint, which is excluded. Not covered.")

    def test_htmx_gets_only_the_verdict(self):
        response = self.client.get("/warranty/check/", self.params(kind="labour", part=""), HTTP_HX_REQUEST="true")
        self.assertContains(response, 'data-verdict="covered"')
        self.assertNotContains(response, "<form")

    def test_unknown_entries_are_shown_beside_their_boxes(self):
        response = self.client.get("/warranty/check/", self.params(asset="沪B54321", part="NOPE"))
        self.assertEqual(response.context["form"].errors["asset"],
                         ["No vehicle or product with this plate, VIN or serial number."])
        response = self.client.get("/warranty/check/", self.params(part="NOPE"))
        self.assertEqual(response.context["form"].errors["part"], ["Unknown part."])
        response = self.client.get("/warranty/check/", self.params(on_date="2025-13-01", mileage="-1"))
        self.assertIn("on_date", response.context["form"].errors)
        self.assertIn("mileage", response.context["form"].errors)

    def test_nul_bytes_are_bad_input(self):
        response = self.client.get("/warranty/check/", self.params(asset="沪A\x0012345"), HTTP_HX_REQUEST="true")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'data-verdict="error"')

    def test_technician_may_not_open_it(self):
        self.client.force_login(make_user("tech", point=self.org["a"], role="technician"))
        self.assertEqual(self.client.get("/warranty/check/").status_code, 403)
