"""The customers API: generated permission tests plus masking, access log, validation and paging."""

import json

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from aftersales.core.models import AccessLog, AuditLog
from aftersales.core.testing import StandardAPITests, bearer, make_org, make_user
from aftersales.customers.models import Customer

from .factories import ID_OTHER, ID_ZHANG, customer

URL = "/api/v1/customers"


class CustomerAPITests(StandardAPITests):
    model = Customer
    api_url = URL

    @classmethod
    def make_object(cls, point):
        return customer(point, f"客户{point.code}", f"1390000{point.pk:04d}")

    def create_payload(self, point):
        return {"name": "李四", "home_point_id": point.pk, "phones": [{"number": "+86 186-1111-2222"}],
                "addresses": [{"province": "上海市", "city": "上海市", "street": "世纪大道100号", "postcode": "200120"}],
                "id_number": ID_ZHANG, "segment": "taxi", "credit_limit": "5000.00"}

    def update_payload(self):
        return {"notes": "VIP", "segment": "fleet"}

    def bad_payload(self):
        return {"name": "王五", "home_point_id": self.point_a.pk, "phones": [{"number": "12812345678"}]}, \
            "phones.0.number"


def _post(client, user, url, data):
    return client.post(url, data=json.dumps(data), content_type="application/json", **bearer(user))


def _patch(client, user, url, data):
    return client.patch(url, data=json.dumps(data), content_type="application/json", **bearer(user))


class CustomerRulesTests(TestCase):
    """Given an organisation with an advisor at A, when archives are created and read, then …"""

    @classmethod
    def setUpTestData(cls):
        cls.org = make_org()
        cls.a, cls.b = cls.org["a"], cls.org["b"]
        cls.advisor = make_user("advisor", point=cls.a, role="service_advisor")
        cls.technician = make_user("tech", point=cls.a, role="technician")
        cls.advisor_b = make_user("advisor_b", point=cls.b, role="service_advisor")
        cls.zhang = customer(cls.a, "张三", "13812345678", address="世纪大道100号", id_number=ID_ZHANG,
                             id_type="resident_id", email="zhangsan@example.com")

    def test_create_normalises_and_derives(self):
        response = _post(self.client, self.advisor, URL, {
            "name": "曾小贤", "home_point_id": self.a.pk, "id_number": ID_OTHER.lower(),
            "phones": [{"number": "021-5000 1234"}, {"number": "+86 139 0000 1111", "is_primary": True}],
            "preferred_hours": "9:00~18:30", "email": "Zeng@Example.COM"})
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        self.assertEqual((body["name_pinyin"], body["name_initials"]), ("zengxiaoxian", "zxx"))
        self.assertEqual(body["id_type"], "resident_id")
        self.assertEqual(body["birthday"], "1990-03-07")
        self.assertEqual(body["gender"], "M")
        self.assertEqual(body["preferred_hours"], "09:00-18:30")
        self.assertEqual(body["email"], "zeng@example.com")
        self.assertEqual(body["phones"], [  # the primary first
            {"number": "13900001111", "kind": "mobile", "is_primary": True},
            {"number": "02150001234", "kind": "other", "is_primary": False}])
        self.assertFalse(body["masked"])

    def test_bad_fields_are_named_with_their_reason(self):
        response = _post(self.client, self.advisor, URL, {
            "name": "x", "home_point_id": self.a.pk, "id_number": "110105194912310021",
            "phones": [{"number": "13800001111"}, {"number": "138 0000 1111"}],
            "addresses": [{"street": "", "postcode": "12"}], "wechat": "1a", "preferred_hours": "18:00-09:00",
            "birthday": "2999-01-01"})
        self.assertEqual(response.status_code, 422)
        fields = response.json()["fields"]
        self.assertEqual(fields["id_number"], ["The check digit of this ID number is wrong; check for a typing error."])
        self.assertEqual(fields["phones.1.number"], ["The same number is given twice."])
        self.assertEqual(fields["addresses.0.street"], ["Enter the street and number."])
        self.assertEqual(fields["addresses.0.postcode"], ["A postcode has 6 digits."])
        self.assertIn("wechat", fields)
        self.assertEqual(fields["birthday"], ["Enter a birthday between 1900 and today."])
        self.assertEqual(Customer.objects.count(), 1)

    def test_birthday_and_gender_must_agree_with_the_id(self):
        response = _post(self.client, self.advisor, URL, {
            "name": "x", "home_point_id": self.a.pk, "id_number": ID_OTHER, "birthday": "1990-03-08", "gender": "F"})
        self.assertEqual(response.status_code, 422)
        self.assertEqual(response.json()["fields"]["birthday"], ["The ID number says 1990-03-07."])
        self.assertIn("gender", response.json()["fields"])

    def test_organisation_needs_a_credit_code(self):
        response = _post(self.client, self.advisor, URL, {
            "name": "某某物流有限公司", "kind": "organisation", "home_point_id": self.a.pk, "id_number": ID_OTHER})
        self.assertEqual(response.status_code, 422)
        self.assertIn("credit code", response.json()["fields"]["id_number"][0])
        ok = _post(self.client, self.advisor, URL, {
            "name": "某某物流有限公司", "kind": "organisation", "home_point_id": self.a.pk,
            "id_number": "91110000600037341L"})
        self.assertEqual(ok.status_code, 201, ok.content)
        self.assertEqual(ok.json()["id_type"], "credit_code")

    def test_nul_bytes_are_refused_everywhere(self):
        for payload in ({"name": "张\x00三", "home_point_id": self.a.pk},
                        {"name": "张三", "home_point_id": self.a.pk, "phones": [{"number": "138\x0012345678"}]},
                        {"name": "张三", "home_point_id": self.a.pk, "addresses": [{"street": "路\x00"}]}):
            response = _post(self.client, self.advisor, URL, payload)
            self.assertEqual(response.status_code, 422, payload)
        self.assertEqual(self.client.get(URL, {"q": "张\x00"}, **bearer(self.advisor)).status_code, 422)
        patch = _patch(self.client, self.advisor, f"{URL}/{self.zhang.pk}", {"notes": "a\x00b"})
        self.assertEqual(patch.status_code, 422)
        self.assertEqual(patch.json()["fields"], {"notes": ["Contains a NUL character."]})

    def test_unknown_point_and_unknown_referrer_are_422(self):
        response = _post(self.client, self.advisor, URL, {"name": "x", "home_point_id": 999999})
        self.assertEqual(response.json()["fields"], {"home_point_id": ["Unknown service point."]})
        other = customer(self.b, "赵六", "13700001111")
        response = _post(self.client, self.advisor, URL, {"name": "x", "home_point_id": self.a.pk,
                                                          "referred_by_id": other.pk})
        self.assertEqual(response.json()["fields"], {"referred_by_id": ["Unknown customer."]})

    def test_list_masks_personal_data_even_for_roles_with_the_right(self):
        response = self.client.get(URL, **bearer(self.advisor))
        item = response.json()["items"][0]
        self.assertEqual(item["phone"], "138****5678")
        self.assertEqual(item["id_number"], "110***********002X")
        self.assertEqual(item["email"], "z***@example.com")
        self.assertTrue(item["address"].endswith("****"))
        self.assertNotIn("13812345678", response.content.decode())

    def test_detail_unmasked_for_advisor_and_masked_for_technician_and_both_logged(self):
        url = f"{URL}/{self.zhang.pk}"
        advisor_view = self.client.get(url, **bearer(self.advisor)).json()
        self.assertEqual(advisor_view["phones"][0]["number"], "13812345678")
        self.assertEqual(advisor_view["id_number"], ID_ZHANG)
        self.assertFalse(advisor_view["masked"])
        tech_view = self.client.get(url, **bearer(self.technician))
        self.assertEqual(tech_view.status_code, 200)
        body = tech_view.json()
        self.assertEqual(body["phones"][0]["number"], "138****5678")
        self.assertEqual(body["id_number"], "110***********002X")
        self.assertEqual(body["email"], "z***@example.com")
        self.assertNotIn("世纪大道100号", tech_view.content.decode())
        self.assertTrue(body["masked"])
        ct = ContentType.objects.get_for_model(Customer)
        logs = AccessLog.objects.filter(content_type=ct, object_id=str(self.zhang.pk)).order_by("id")
        self.assertEqual([(log.user_id, log.channel, log.unmasked) for log in logs],
                         [(self.advisor.pk, "api", True), (self.technician.pk, "api", False)])

    def test_history_shows_before_and_after_and_masks_for_technician(self):
        _patch(self.client, self.advisor, f"{URL}/{self.zhang.pk}",
               {"phones": [{"number": "13912345678"}], "notes": "换号"})
        entries = self.client.get(f"{URL}/{self.zhang.pk}/history", **bearer(self.advisor)).json()
        change = {c["field"]: c for c in entries[0]["changes"]}
        self.assertEqual(entries[0]["user"], "advisor")
        self.assertTrue(entries[0]["request_id"])
        self.assertEqual(change["phones"]["before"], ["13812345678"])
        self.assertEqual(change["phones"]["after"], ["13912345678"])
        self.assertEqual(change["notes"]["after"], "换号")
        masked = self.client.get(f"{URL}/{self.zhang.pk}/history", **bearer(self.technician)).json()
        change = {c["field"]: c for c in masked[0]["changes"]}
        self.assertEqual(change["phones"]["after"], ["139****5678"])
        self.assertEqual(change["notes"]["after"], "换号")

    def test_point_b_sees_the_archive_once_linked(self):
        from aftersales.customers.services import customer_link_point

        url = f"{URL}/{self.zhang.pk}"
        self.assertEqual(self.client.get(url, **bearer(self.advisor_b)).status_code, 404)
        customer_link_point(customer=self.zhang, service_point=self.b, reason="work_order")
        customer_link_point(customer=self.zhang, service_point=self.b, reason="work_order")  # idempotent
        self.assertEqual(self.zhang.point_links.count(), 1)
        self.assertIsNone(customer_link_point(customer=self.zhang, service_point=self.a))
        self.assertEqual(self.client.get(url, **bearer(self.advisor_b)).status_code, 200)
        ids = [i["id"] for i in self.client.get(URL, **bearer(self.advisor_b)).json()["items"]]
        self.assertEqual(ids, [self.zhang.pk])

    def test_filters_and_ordering_are_whitelisted(self):
        customer(self.a, "李四", "13900002222", segment="taxi")
        response = self.client.get(URL, {"segment": "taxi"}, **bearer(self.advisor))
        self.assertEqual([i["name"] for i in response.json()["items"]], ["李四"])
        response = self.client.get(URL, {"q": "zs"}, **bearer(self.advisor))
        self.assertEqual([i["name"] for i in response.json()["items"]], ["张三"])
        response = self.client.get(URL, {"q": "5678"}, **bearer(self.advisor))
        self.assertEqual([i["name"] for i in response.json()["items"]], ["张三"])
        response = self.client.get(URL, {"ordering": "name"}, **bearer(self.advisor))
        self.assertEqual([i["name"] for i in response.json()["items"]], ["李四", "张三"])
        bad = self.client.get(URL, {"ordering": "password"}, **bearer(self.advisor))
        self.assertEqual(bad.status_code, 422)
        self.assertIn("ordering", bad.json()["fields"])
        self.assertEqual(self.client.get(URL, {"segment": "boat"}, **bearer(self.advisor)).status_code, 422)

    def test_keyset_pages_cover_every_row_once(self):
        for i in range(5):
            customer(self.a, f"客户{i}", f"1370000{i:04d}")
        seen, cursor = [], None
        while True:
            params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
            body = self.client.get(URL, params, **bearer(self.advisor)).json()
            seen += [i["id"] for i in body["items"]]
            cursor = body["next_cursor"]
            if not cursor:
                break
        self.assertEqual(seen, sorted(Customer.objects.filter(home_point=self.a).values_list("pk", flat=True),
                                      reverse=True))

    def test_list_query_count_does_not_grow_with_rows(self):
        headers = bearer(self.advisor)

        def count() -> int:
            with CaptureQueriesContext(connection) as ctx:
                response = self.client.get(URL, {"limit": 50}, **headers)
            self.assertEqual(response.status_code, 200)
            return len(ctx.captured_queries)

        count()  # the first use of a token also records when it was used
        # token, access rights (4), the page, its phones, its addresses
        self.assertEqual(count(), 8)
        for i in range(30):
            customer(self.a, f"客户{i}", f"1360000{i:04d}", f"1350000{i:04d}", address=f"路{i}号")
        with self.assertNumQueries(8):
            response = self.client.get(URL, {"limit": 50}, **headers)
        self.assertEqual(len(response.json()["items"]), 31)

    def test_delete_refused_while_referrals_depend_on_it(self):
        customer(self.a, "被介绍人", "13900003333", referred_by=self.zhang)
        owner = make_user("mgr", point=self.a, role="point_manager")
        response = self.client.delete(f"{URL}/{self.zhang.pk}", **bearer(owner))
        self.assertEqual(response.status_code, 422)
        self.assertIn("deactivate", response.json()["message"])
        self.assertTrue(Customer.objects.filter(pk=self.zhang.pk).exists())
        deactivated = _patch(self.client, owner, f"{URL}/{self.zhang.pk}", {"is_active": False})
        self.assertEqual(deactivated.json()["is_active"], False)

    def test_audit_row_on_create_names_the_user_and_request(self):
        response = _post(self.client, self.advisor, URL, {"name": "钱七", "home_point_id": self.a.pk,
                                                          "phones": [{"number": "13600009999"}]})
        row = AuditLog.objects.get(action="create", object_id=str(response.json()["id"]))
        self.assertEqual(row.user, self.advisor)
        self.assertEqual(row.after["phones"], ["13600009999"])
        self.assertEqual(row.after["name"], "钱七")
        self.assertNotEqual(row.request_id, "")


class HugeIdTests(TestCase):
    """Ids beyond a database bigint are bad input (422) or unknown (404), never a crash."""

    @classmethod
    def setUpTestData(cls):
        cls.org = make_org()
        cls.advisor = make_user("advisor", point=cls.org["a"], role="service_advisor")

    def test_huge_ids(self):
        huge = 2**70
        self.assertEqual(self.client.get(f"{URL}/{huge}", **bearer(self.advisor)).status_code, 422)
        response = _post(self.client, self.advisor, URL, {"name": "x", "home_point_id": huge})
        self.assertEqual(response.status_code, 422)
        self.assertIn("home_point_id", response.json()["fields"])
        self.assertEqual(self.client.get(URL, {"home_point_id": huge}, **bearer(self.advisor)).status_code, 422)
        self.client.force_login(self.advisor)
        self.assertEqual(self.client.get(f"/customers/{huge}/").status_code, 404)
        self.assertEqual(self.client.get("/customers/duplicates/check/", {"exclude": str(huge),
                                                                          "phones-0-number": "13800001111"})
                         .status_code, 200)
