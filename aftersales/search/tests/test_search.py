"""The search box: every kind of query, restriction to the user's service points, masking, bad input."""

from __future__ import annotations

from unittest import mock

from django.test import TestCase
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from aftersales.accounts.models import User
from aftersales.core.errors import ApplicationError, PermissionDeniedError
from aftersales.core.testing import bearer, make_org, make_user
from aftersales.search.classify import classify
from aftersales.search.selectors import search_everything

from .factories import VIN, customer, link, product, vehicle


class SearchData(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.org = make_org()
        a, b = cls.org["a"], cls.org["b"]
        cls.zhang = customer(a, "张三丰", "zhangsanfeng", "zsf", "13812345678", "13987650001",
                             id_number="110101199003071234")
        cls.li = customer(a, "李张三", "lizhangsan", "lzs", "15000001111")
        cls.wang = customer(b, "王五", "wangwu", "ww", "18600002222", id_number="44030519851212567X")
        cls.car = vehicle(cls.zhang, vin=VIN, plate="粤B12345")
        cls.wang_car = vehicle(cls.wang, vin="LFV2A21K6F3000777", plate="京A88K88")
        cls.fridge = product(cls.li, serial="GR2023ABC778899")
        cls.advisor_a = make_user("advisor_a", point=a, role="service_advisor")
        cls.advisor_b = make_user("advisor_b", point=b, role="service_advisor")
        cls.hq = make_user("hq", point=cls.org["hq"], role="hq_manager")
        cls.tech_a = make_user("tech_a", point=a, role="technician")  # may not see personal data
        cls.nobody = make_user("nobody", point=a, perms=[])

    def find(self, q: str, user=None, **kwargs):
        user = User.objects.get(pk=(user or self.advisor_a).pk)  # fresh: no cached access rights
        return search_everything(user=user, q=q, **kwargs)

    def customer_ids(self, q: str, user=None) -> list[int]:
        return [hit.id for hit in self.find(q, user).customers]

    def asset_ids(self, q: str, user=None) -> list[int]:
        return [hit.id for hit in self.find(q, user).assets]

    def matches(self, q: str, user=None) -> dict[tuple[str, int], str]:
        return {(hit.type, hit.id): hit.match for hit in self.find(q, user).items}


class SearchKindsTests(SearchData):
    def test_name_substring_of_two_chinese_characters_anywhere_in_the_name(self):
        self.assertEqual(sorted(self.customer_ids("张三")), sorted([self.zhang.pk, self.li.pk]))
        self.assertEqual(self.customer_ids("三丰"), [self.zhang.pk])
        self.assertEqual(self.matches("三丰"), {("customer", self.zhang.pk): "name"})

    def test_name_of_three_characters_and_no_match(self):
        self.assertEqual(self.customer_ids("张三丰"), [self.zhang.pk])
        self.assertEqual(self.customer_ids("赵六"), [])

    def test_full_pinyin_is_a_prefix_match(self):
        self.assertEqual(self.matches("zhangsan"), {("customer", self.zhang.pk): "pinyin"})
        self.assertEqual(self.customer_ids("Zhang San"), [self.zhang.pk])  # case and spaces do not matter
        self.assertEqual(self.customer_ids("sanfeng"), [])  # not a prefix

    def test_initials(self):
        self.assertEqual(self.matches("zs"), {("customer", self.zhang.pk): "initials"})
        self.assertEqual(self.customer_ids("lzs"), [self.li.pk])

    def test_phone_fragment_of_four_digits_anywhere_in_any_phone(self):
        self.assertEqual(self.matches("8123"), {("customer", self.zhang.pk): "phone"})
        hit = self.find("8765").customers[0]  # the customer's second phone
        self.assertEqual((hit.id, hit.match, hit.match_label), (self.zhang.pk, "phone", "Phone 13987650001"))

    def test_a_fragment_in_thousands_of_phones_checks_the_newest_customers_with_it(self):
        newer = [customer(self.org["a"], f"赵{i}", f"zhao{i}", f"z{i}", f"1771111{i:04d}") for i in range(3)]
        with mock.patch("aftersales.search.selectors.PHONE_CANDIDATES", 2):
            self.assertEqual(self.customer_ids("7711", self.hq), [newer[2].pk, newer[1].pk])
            # A point's user is not capped: the point narrows the phones in the index itself.
            self.assertEqual(self.customer_ids("7711"), [c.pk for c in reversed(newer)])
        self.assertEqual(self.customer_ids("7711", self.hq), [c.pk for c in reversed(newer)])

    def test_phone_written_with_spaces_dashes_and_country_code(self):
        self.assertEqual(self.customer_ids("138 1234 5678"), [self.zhang.pk])
        self.assertEqual(self.customer_ids("+86 138-1234-5678"), [self.zhang.pk])

    def test_plate_full_part_lower_case_and_with_spaces_finds_the_asset_and_its_owner(self):
        for q in ("粤B12345", "b1234", "粤B 12345"):
            with self.subTest(q=q):
                self.assertEqual(self.matches(q), {("asset", self.car.pk): "plate",
                                                   ("customer", self.zhang.pk): "owner"})
        self.assertEqual(self.find("b1234").customers[0].match_label, "Owner of 粤B12345 大众 朗逸")

    def test_vin_in_full_or_its_last_six(self):
        self.assertEqual(self.asset_ids(VIN), [self.car.pk])
        self.assertEqual(self.asset_ids(VIN[-6:]), [self.car.pk])
        self.assertEqual(self.asset_ids(VIN[-6:].lower()), [self.car.pk])
        self.assertEqual(self.matches(VIN[-6:])[("asset", self.car.pk)], "vin")
        self.assertEqual(self.asset_ids("183295"), [])
        self.assertEqual(self.asset_ids(VIN[:6]), [])  # a prefix is not a suffix

    def test_serial_number_part_case_insensitive(self):
        self.assertEqual(self.matches("abc778"), {("asset", self.fridge.pk): "serial",
                                                  ("customer", self.li.pk): "owner"})

    def test_id_number_full_or_last_four(self):
        self.assertEqual(self.matches("110101199003071234"), {("customer", self.zhang.pk): "id_number"})
        self.assertEqual(self.matches("1234")[("customer", self.zhang.pk)], "id_number")
        self.assertEqual(self.customer_ids("567x", self.hq), [self.wang.pk])

    def test_limit_applies_to_each_type(self):
        for i in range(3):
            customer(self.org["a"], f"张三{i}", f"zhangsan{i}", f"zs{i}")
        self.assertEqual(len(self.find("张三", limit=2).customers), 2)
        self.assertEqual(len(self.find("张三", limit=50).customers), 5)

    def test_query_count_is_fixed(self):
        # access rights (4) + customers by their own columns, at home and linked (2) + ids by phone, at
        # home and linked (2) + assets + the phones shown (the customer found by phone was already found
        # by its ID number: no second fetch)
        user = User.objects.get(pk=self.advisor_a.pk)
        with self.assertNumQueries(10):
            search_everything(user=user, q="1234")
        # access rights (4) + customers by ID suffix (2) + by phone (2) + assets + their owners + the phones
        user = User.objects.get(pk=self.advisor_a.pk)
        with self.assertNumQueries(11):
            search_everything(user=user, q=VIN[-6:])
        # access rights (4) + customers by their own columns (2) + the phones shown
        user = User.objects.get(pk=self.advisor_a.pk)
        with self.assertNumQueries(7):
            search_everything(user=user, q="zs")
        # HQ sees everyone: one query per lookup
        user = User.objects.get(pk=self.hq.pk)
        with self.assertNumQueries(8):
            search_everything(user=user, q="1234")


class SearchPermissionTests(SearchData):
    def test_point_b_does_not_find_point_a_customer_hq_does(self):
        self.assertEqual(self.customer_ids("张三丰", self.advisor_b), [])
        self.assertEqual(self.customer_ids("8123", self.advisor_b), [])
        self.assertEqual(self.customer_ids("张三丰", self.hq), [self.zhang.pk])
        self.assertEqual(self.customer_ids("王五", self.advisor_b), [self.wang.pk])
        self.assertEqual(self.customer_ids("王五", self.advisor_a), [])

    def test_point_b_does_not_find_point_a_assets_hq_does(self):
        self.assertEqual(self.matches("粤B12345", self.advisor_b), {})
        self.assertEqual(self.asset_ids(VIN[-6:], self.advisor_b), [])
        self.assertEqual(self.asset_ids("粤B12345", self.hq), [self.car.pk])

    def test_customer_with_business_at_point_b_is_found_there(self):
        link(self.zhang, self.org["b"])
        self.assertEqual(self.customer_ids("张三丰", self.advisor_b), [self.zhang.pk])
        self.assertEqual(self.matches("8765", self.advisor_b), {("customer", self.zhang.pk): "phone"})
        self.assertEqual(self.matches("zsf", self.advisor_b), {("customer", self.zhang.pk): "initials"})
        self.assertEqual(self.customer_ids("lzs", self.advisor_b), [])  # 李张三 has no business at b

    def test_home_and_linked_customers_come_newest_first_within_the_limit(self):
        b = self.org["b"]
        own = [customer(b, f"赵{i}", f"zhao{i}", "zq", f"1772222{i:04d}") for i in range(3)]
        elsewhere = [customer(self.org["a"], f"钱{i}", f"qian{i}", "zq", f"1772223{i:04d}") for i in range(3)]
        for c in elsewhere[:2]:
            link(c, b)
        everyone = sorted([c.pk for c in own + elsewhere[:2]], reverse=True)
        self.assertEqual(self.customer_ids("zq", self.advisor_b), everyone)
        self.assertEqual(self.customer_ids("1772", self.advisor_b), everyone)
        user = User.objects.get(pk=self.advisor_b.pk)
        self.assertEqual([h.id for h in search_everything(user=user, q="zq", limit=3).customers], everyone[:3])
        self.assertEqual([h.id for h in search_everything(user=user, q="1772", limit=3).customers], everyone[:3])

    def test_phones_follow_the_customer_to_a_new_home_point(self):
        from aftersales.customers.services import customer_update

        customer_update(user=self.hq, pk=self.li.pk, data={"home_point_id": self.org["b"].pk})
        self.assertEqual(self.customer_ids("0000111", self.advisor_b), [self.li.pk])
        self.assertEqual(self.customer_ids("0000111", self.advisor_a), [])

    def test_user_without_view_permission_is_refused(self):
        with self.assertRaises(PermissionDeniedError):
            self.find("张三", self.nobody)


class SearchMaskingTests(SearchData):
    def test_role_without_personal_data_sees_masked_phone_and_id(self):
        hit = self.find("8123", self.tech_a).customers[0]
        self.assertEqual(hit.match_label, "Phone 138****5678")
        self.assertNotIn("13812345678", hit.subtitle)
        self.assertIn("138****5678", hit.subtitle)
        hit = self.find("110101199003071234", self.tech_a).customers[0]
        self.assertEqual(hit.match_label, "ID number 110***********1234")

    def test_advisor_sees_full_phone(self):
        hit = self.find("8123").customers[0]
        self.assertEqual(hit.match_label, "Phone 13812345678")
        self.assertTrue(hit.subtitle.startswith("13812345678"))


class SearchInputTests(SearchData):
    def test_too_short_empty_nul_and_too_long_are_refused_naming_q(self):
        for q in ("", " ", "a", " 张 ", "ab\x00", "x" * 101):
            with self.subTest(q=q), self.assertRaises(ApplicationError) as ctx:
                self.find(q)
            self.assertEqual(ctx.exception.status, 422)
            self.assertIn("q", ctx.exception.fields)

    def test_like_wildcards_are_literal(self):
        self.assertEqual(self.customer_ids("%%"), [])
        self.assertEqual(self.customer_ids("__"), [])


class SearchFuzzTests(HypothesisTestCase):
    @classmethod
    def setUpTestData(cls):
        org = make_org()
        customer(org["a"], "张三丰", "zhangsanfeng", "zsf", "13812345678", id_number="110101199003071234")
        cls.user = make_user("advisor", point=org["a"], role="service_advisor")

    @settings(max_examples=60, deadline=None)
    @given(st.text(max_size=24))
    def test_any_text_gives_results_or_a_422_on_q(self, q):
        try:
            search_everything(user=self.user, q=q)
        except ApplicationError as exc:
            self.assertEqual((exc.status, list(exc.fields)), (422, ["q"]))


class ClassifyTests(TestCase):
    def test_only_the_lookups_that_can_match(self):
        cases = {
            "zs": {"name", "pinyin", "initials"},
            "张三": {"name"},
            "5678": {"phone", "id_number", "plate", "serial"},
            "183294": {"phone", "id_number", "plate", "serial", "vin"},
            "粤B12345": {"name", "plate"},
            VIN: {"vin", "serial"},
            "12345X": {"id_number", "plate", "vin", "serial"},
            "GR-2023": {"serial"},
            "ab": {"name", "pinyin", "initials"},
            "12": set(),
        }
        for q, lookups in cases.items():
            with self.subTest(q=q):
                self.assertEqual(set(classify(q).lookups), lookups)

    def test_broad_only_for_short_starts_of_a_pinyin_syllable(self):
        for q, broad in (("li", True), ("zh", True), ("wan", True), ("zs", False), ("chy", False),
                         ("zhang", False), ("张三", False), ("5678", False)):
            with self.subTest(q=q):
                self.assertEqual(classify(q).broad, broad)

    def test_phone_digits_drop_separators_and_country_code(self):
        self.assertEqual(classify("+86 138-1234-5678").digits, "13812345678")
        self.assertEqual(classify("8613812345678").digits, "13812345678")


class SearchAPITests(SearchData):
    url = "/api/v1/search"

    def test_anonymous_is_401(self):
        self.assertEqual(self.client.get(self.url, {"q": "张三"}).status_code, 401)

    def test_without_permission_is_403(self):
        response = self.client.get(self.url, {"q": "张三"}, **bearer(self.nobody))
        self.assertEqual((response.status_code, response.json()["code"]), (403, "permission_denied"))

    def test_results(self):
        response = self.client.get(self.url, {"q": "粤B12345"}, **bearer(self.advisor_a))
        self.assertEqual(response.status_code, 200, response.content)
        body = response.json()
        self.assertEqual(body["q"], "粤B12345")
        self.assertEqual([(i["type"], i["id"], i["match"], i["url"]) for i in body["items"]], [
            ("customer", self.zhang.pk, "owner", f"/customers/{self.zhang.pk}/"),
            ("asset", self.car.pk, "plate", f"/assets/{self.car.pk}/"),
        ])
        self.assertEqual(body["items"][1]["title"], "粤B12345 大众 朗逸")

    def test_other_point_finds_nothing(self):
        response = self.client.get(self.url, {"q": "zsf"}, **bearer(self.advisor_b))
        self.assertEqual(response.json()["items"], [])

    def test_bad_input_is_422_naming_the_parameter(self):
        headers = bearer(self.advisor_a)
        for params, field in (({"q": "a"}, "q"), ({}, "q"), ({"q": "张\x00三"}, "q"),
                              ({"q": "张三", "limit": 0}, "limit"), ({"q": "张三", "limit": 51}, "limit"),
                              ({"q": "张三", "limit": "x"}, "limit")):
            with self.subTest(params=params):
                response = self.client.get(self.url, params, **headers)
                self.assertEqual(response.status_code, 422, response.content)
                self.assertIn(field, response.json()["fields"])

    def test_query_count_of_a_search_request_is_pinned(self):
        headers = bearer(self.advisor_a)
        # token (2: look-up, last use) + access rights (4) + customers (2: at home, linked) + ids by phone (2)
        # + assets + phones shown
        with self.assertNumQueries(12):
            response = self.client.get(self.url, {"q": "1234"}, **headers)
        self.assertEqual(response.status_code, 200)


class SearchViewTests(SearchData):
    def test_anonymous_is_sent_to_login(self):
        response = self.client.get("/search/", {"q": "张三"})
        self.assertEqual(response.status_code, 302)
        self.assertIn("/accounts/login/", response["Location"])

    def test_results_page_links_customers_and_assets(self):
        self.client.force_login(self.advisor_a)
        response = self.client.get("/search/", {"q": "粤B12345"})
        self.assertContains(response, f'href="/customers/{self.zhang.pk}/"')
        self.assertContains(response, f'href="/assets/{self.car.pk}/"')
        self.assertContains(response, 'hx-get="/search/live/"')

    def test_live_partial_has_results_only(self):
        self.client.force_login(self.advisor_a)
        response = self.client.get("/search/live/", {"q": "张三"}, HTTP_HX_REQUEST="true")
        self.assertContains(response, f'href="/customers/{self.li.pk}/"')
        self.assertNotContains(response, "<html")

    def test_masked_for_a_role_without_personal_data(self):
        self.client.force_login(self.tech_a)
        response = self.client.get("/search/", {"q": "8123"})
        self.assertContains(response, "138****5678")
        self.assertNotContains(response, "13812345678")

    def test_other_point_sees_nothing(self):
        self.client.force_login(self.advisor_b)
        response = self.client.get("/search/", {"q": "张三丰"})
        self.assertNotContains(response, f"/customers/{self.zhang.pk}/")
        self.assertContains(response, "No customers found.")

    def test_bad_input_shows_a_message_not_an_error(self):
        self.client.force_login(self.advisor_a)
        for q in ("a", "张\x00三"):
            with self.subTest(q=q):
                response = self.client.get("/search/", {"q": q})
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, 'class="alert alert-warning"')

    def test_without_permission_is_403(self):
        self.client.force_login(self.nobody)
        self.assertEqual(self.client.get("/search/", {"q": "张三"}).status_code, 403)

    def test_navbar_search_box_submits_to_the_results_page(self):
        self.client.force_login(self.advisor_a)
        response = self.client.get("/search/")
        self.assertContains(response, 'action="/search/"')
        self.assertContains(response, 'name="q"')
