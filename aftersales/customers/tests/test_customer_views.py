"""Customer pages: generated permission tests, the form with phones and addresses, duplicates, masking."""

from django.contrib.contenttypes.models import ContentType
from django.test import TestCase

from aftersales.assets.models import Asset
from aftersales.core.models import AccessLog
from aftersales.core.testing import StandardViewTests, make_org, make_user
from aftersales.customers.models import Customer

from .factories import ID_ZHANG, customer


def form_data(point, *, name="李四", phones=("13911112222",), addresses=(), **extra):
    data = {
        "kind": "person", "name": name, "home_point": point.pk, "segment": "private", "preferred_channel": "phone",
        "credit_rating": "normal", "credit_limit": "0", "payment_term_days": "0",
        "phones-TOTAL_FORMS": str(len(phones)), "phones-INITIAL_FORMS": "0", "phones-MIN_NUM_FORMS": "0",
        "phones-MAX_NUM_FORMS": "10",
        "addresses-TOTAL_FORMS": str(len(addresses)), "addresses-INITIAL_FORMS": "0",
        "addresses-MIN_NUM_FORMS": "0", "addresses-MAX_NUM_FORMS": "10",
    }
    for i, number in enumerate(phones):
        data[f"phones-{i}-number"] = number
    for i, street in enumerate(addresses):
        data.update({f"addresses-{i}-street": street, f"addresses-{i}-city": "杭州市"})
    data.update(extra)
    return data


class CustomerViewTests(StandardViewTests):
    model = Customer
    list_url = "/customers/"
    create_url = "/customers/new/"

    @classmethod
    def make_object(cls, point):
        return customer(point, f"客户{point.code}", f"1390000{point.pk:04d}")

    def edit_url(self, obj):
        return f"/customers/{obj.pk}/edit/"

    def delete_url(self, obj):
        return f"/customers/{obj.pk}/delete/"

    def form_data(self, point):
        return form_data(point, addresses=["文三路1号"])

    def edit_data(self, obj):
        return form_data(obj.home_point, name="改名", phones=("13911113333",), is_active="on")


class CustomerPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.org = make_org()
        cls.a, cls.b = cls.org["a"], cls.org["b"]
        cls.advisor = make_user("advisor", point=cls.a, role="service_advisor")
        cls.technician = make_user("tech", point=cls.a, role="technician")
        cls.manager = make_user("manager", point=cls.a, role="point_manager")
        cls.zhang = customer(cls.a, "张三", "13812345678", address="世纪大道100号", id_number=ID_ZHANG,
                             id_type="resident_id")

    def test_new_form_has_the_stable_input_ids(self):
        self.client.force_login(self.advisor)
        response = self.client.get("/customers/new/")
        for element_id in ('id="id_name"', 'id="id_phones-0-number"', 'id="id_home_point"',
                           'id="id_addresses-0-street"', 'id="id_id_number"'):
            self.assertContains(response, element_id)
        self.assertContains(response, 'hx-get="/customers/duplicates/check/"')

    def test_errors_are_shown_beside_the_fields(self):
        self.client.force_login(self.advisor)
        response = self.client.post("/customers/new/", form_data(self.a, phones=("13911112222", "12345"),
                                                                 id_number="110105194912310021"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["phone_set"].forms[1].errors["number"],
                         ["A mobile number has 11 digits and starts with 13–19."])
        self.assertEqual(response.context["form"].errors["id_number"],
                         ["The check digit of this ID number is wrong; check for a typing error."])
        self.assertContains(response, 'data-field="phones-1-number"')
        self.assertEqual(Customer.objects.count(), 1)

    def test_duplicate_on_submit_warns_and_only_permitted_users_may_create_anyway(self):
        self.client.force_login(self.advisor)
        response = self.client.post("/customers/new/", form_data(self.a, phones=("138 1234 5678",)))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Possible duplicate")
        self.assertContains(response, f'href="/customers/{self.zhang.pk}/"')
        self.assertNotIn("allow_duplicate", response.context["form"].fields)
        self.assertEqual(response.context["phone_set"].forms[0].errors["number"],
                         [f"Customer #{self.zhang.pk} 张三 at Point A has this phone."])
        self.client.force_login(self.manager)
        response = self.client.post("/customers/new/", form_data(self.a, phones=("13812345678",)))
        self.assertContains(response, 'id="id_allow_duplicate"')
        response = self.client.post("/customers/new/", form_data(self.a, phones=("13812345678",),
                                                                 allow_duplicate="on"))
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Customer.objects.filter(phones__number="13812345678").count(), 2)

    def test_duplicate_check_while_typing(self):
        self.client.force_login(self.advisor)
        response = self.client.get("/customers/duplicates/check/", {"phones-0-number": "138-1234-5678"})
        self.assertContains(response, f"#{self.zhang.pk} 张三")
        self.assertContains(response, "138****5678")
        quiet = self.client.get("/customers/duplicates/check/", {"phones-0-number": "1381",
                                                                 "exclude": str(self.zhang.pk)})
        self.assertNotContains(quiet, "Possible duplicate")
        other = customer(self.b, "王秘密", "13900009999")
        hidden = self.client.get("/customers/duplicates/check/", {"phones-0-number": "13900009999"})
        self.assertContains(hidden, "王**")
        self.assertNotContains(hidden, "王秘密")
        self.assertNotContains(hidden, f"/customers/{other.pk}/")

    def test_edit_replaces_phones_and_addresses(self):
        self.client.force_login(self.advisor)
        data = form_data(self.a, name="张三", phones=("13812345678", "021-50001234"), addresses=["文三路2号"],
                         is_active="on")
        response = self.client.post(f"/customers/{self.zhang.pk}/edit/", data)
        self.assertEqual(response.status_code, 302)
        self.assertEqual(sorted(self.zhang.phones.values_list("number", flat=True)), ["02150001234", "13812345678"])
        self.assertEqual([a.street for a in self.zhang.addresses.all()], ["文三路2号"])

    def test_detail_masked_for_technician_unmasked_for_advisor_and_every_read_logged(self):
        self.client.force_login(self.technician)
        masked = self.client.get(f"/customers/{self.zhang.pk}/")
        self.assertContains(masked, "138****5678")
        self.assertNotContains(masked, "13812345678")
        self.assertNotContains(masked, ID_ZHANG)
        self.assertNotContains(masked, "世纪大道100号")
        self.client.force_login(self.advisor)
        full = self.client.get(f"/customers/{self.zhang.pk}/")
        self.assertContains(full, "13812345678")
        self.assertContains(full, ID_ZHANG)
        ct = ContentType.objects.get_for_model(Customer)
        self.assertEqual(list(AccessLog.objects.filter(content_type=ct, object_id=str(self.zhang.pk)).order_by("id")
                              .values_list("user__username", "channel", "unmasked")),
                         [("tech", "ui", False), ("advisor", "ui", True)])

    def test_list_is_masked_for_everyone(self):
        self.client.force_login(self.advisor)
        response = self.client.get("/customers/", {"q": "zs"})
        self.assertContains(response, "138****5678")
        self.assertNotContains(response, "13812345678")
        self.assertNotContains(response, "世纪大道100号")

    def test_detail_shows_assets_referrals_strategy_and_timeline(self):
        Asset.objects.create(kind="vehicle", owner=self.zhang, service_point=self.a, brand="大众",
                             vin="LSVAA4182E2000001", plate="沪A12345")
        referred = customer(self.a, "被介绍人", "13700001111", referred_by=self.zhang)
        self.client.force_login(self.advisor)
        self.client.post(f"/customers/{self.zhang.pk}/edit/", form_data(
            self.a, name="张三", phones=("13812345679",), is_active="on", notes="常客"))
        response = self.client.get(f"/customers/{self.zhang.pk}/")
        asset = Asset.objects.get()
        self.assertContains(response, f'href="/assets/{asset.pk}/"')
        self.assertContains(response, f'href="/customers/{referred.pk}/"')
        self.assertContains(response, "Transaction status")
        self.assertContains(response, "13812345679")  # the timeline's after value, unmasked for the advisor
        self.client.force_login(self.technician)
        masked = self.client.get(f"/customers/{self.zhang.pk}/")
        self.assertContains(masked, "138****5679")
        self.assertNotContains(masked, "13812345679")

    def test_detail_shows_labels_not_codes(self):
        from aftersales.core.audit import record_change

        record_change(actor=self.manager, instance=self.zhang, action="update",
                      before={"segment": "private", "credit_rating": "normal"},
                      after={"segment": "taxi", "credit_rating": "good"})
        self.client.force_login(self.advisor)
        response = self.client.get(f"/customers/{self.zhang.pk}/")
        html = response.content.decode()
        self.assertIn("Taxi", html)  # the segment's label in the timeline, not the code "taxi"
        self.assertNotIn("<td class=\"text-break\">taxi</td>", html)
        self.assertIn("Mobile", html)  # the phone's kind label
        self.assertNotIn("mobile ·", html)

    def test_technician_cannot_edit(self):
        self.client.force_login(self.technician)
        self.assertEqual(self.client.get(f"/customers/{self.zhang.pk}/edit/").status_code, 403)

    def test_merge_page(self):
        duplicate = customer(self.a, "张三", "13600001111")
        self.client.force_login(self.manager)
        response = self.client.post(f"/customers/{self.zhang.pk}/merge/", {"source_id": duplicate.pk,
                                                                           "confirm": "on"})
        self.assertEqual(response.status_code, 302)
        duplicate.refresh_from_db()
        self.assertEqual(duplicate.merged_into_id, self.zhang.pk)
        self.client.force_login(self.advisor)
        self.assertEqual(self.client.get(f"/customers/{self.zhang.pk}/merge/").status_code, 403)

    def test_export_keeps_the_filters_and_masks(self):
        from io import BytesIO

        from openpyxl import load_workbook

        customer(self.a, "李四", "13900002222", segment="taxi")
        self.client.force_login(self.manager)
        response = self.client.get("/customers/", {"segment": "taxi", "export": "xlsx"})
        rows = list(load_workbook(BytesIO(response.content)).active.values)
        self.assertEqual([r[1] for r in rows[1:]], ["李四"])
        self.assertEqual(rows[1][2], "139****2222")
        self.client.force_login(self.advisor)  # no export permission
        self.assertEqual(self.client.get("/customers/", {"export": "xlsx"}).status_code, 403)

