"""Duplicates, merge, delete and point links, through the services."""

import datetime as dt

import pytest
from django.test import TestCase

from aftersales.assets.models import Asset, Ownership
from aftersales.core.errors import ApplicationError, NotFoundError, PermissionDeniedError
from aftersales.core.models import AuditLog
from aftersales.core.testing import make_org, make_user
from aftersales.customers.models import Customer, CustomerPointLink
from aftersales.customers.selectors import customer_find_duplicates
from aftersales.customers.services import (
    DuplicateCustomerError,
    customer_create,
    customer_delete,
    customer_merge,
    customer_update,
)

from .factories import ID_OTHER, ID_ZHANG, customer


class DuplicateTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.org = make_org()
        cls.a, cls.b = cls.org["a"], cls.org["b"]
        cls.advisor = make_user("advisor", point=cls.a, role="service_advisor")
        cls.manager = make_user("manager", point=cls.a, role="point_manager")
        cls.at_a = customer(cls.a, "张三", "13812345678", id_number=ID_ZHANG, id_type="resident_id")
        cls.at_b = customer(cls.b, "李四丰", "13900001111", id_number=ID_OTHER, id_type="resident_id")

    def _data(self, **extra):
        return {"name": "张三", "home_point_id": self.a.pk, **extra}

    def test_same_phone_at_own_point_is_409_naming_the_archive(self):
        with pytest.raises(DuplicateCustomerError) as caught:
            customer_create(user=self.advisor, data=self._data(phones=[{"number": "138-1234-5678"}]))
        error = caught.value
        self.assertEqual((error.status, error.code), (409, "duplicate"))
        self.assertEqual(error.fields, {"phones.0.number": [
            f"Customer #{self.at_a.pk} 张三 at Point A has this phone."]})
        self.assertEqual(Customer.objects.count(), 2)

    def test_archive_at_another_point_is_found_but_only_masked(self):
        with pytest.raises(DuplicateCustomerError) as caught:
            customer_create(user=self.advisor, data=self._data(id_number=ID_OTHER))
        match = caught.value.matches[0]
        self.assertEqual((match.customer_id, match.name, match.visible), (None, "李**", False))
        self.assertEqual(match.id_number, "110***********1233")
        self.assertEqual(caught.value.fields["id_number"], [
            "An archive of 李** at Point B (not visible to you) has this ID number."])

    def test_find_duplicates_ignores_incomplete_input_while_typing(self):
        self.assertEqual(customer_find_duplicates(user=self.advisor, phones=["1381234"], id_number="1101"), [])
        found = customer_find_duplicates(user=self.advisor, phones=["+86 13812345678", "13900001111"])
        self.assertEqual([(m.customer_id, m.visible, m.phones) for m in found],
                         [(None, False, ["139****1111"]), (self.at_a.pk, True, ["138****5678"])])

    def test_create_anyway_needs_the_permission(self):
        data = self._data(phones=[{"number": "13812345678"}])
        with pytest.raises(PermissionDeniedError):
            customer_create(user=self.advisor, data=data, allow_duplicate=True)
        created = customer_create(user=self.manager, data=data, allow_duplicate=True)
        self.assertEqual(list(created.phones.values_list("number", flat=True)), ["13812345678"])
        self.assertIn("duplicates", AuditLog.objects.get(action="create", object_id=str(created.pk)).note)

    def test_update_checks_only_new_phones_and_a_new_id(self):
        mine = customer(self.a, "王五", "13700001111")
        customer_update(user=self.advisor, pk=mine.pk, data={"phones": [{"number": "13700001111"}], "notes": "x"})
        with pytest.raises(DuplicateCustomerError):
            customer_update(user=self.advisor, pk=mine.pk, data={"phones": [{"number": "13700001111"},
                                                                            {"number": "13900001111"}]})
        self.assertEqual(list(mine.phones.values_list("number", flat=True)), ["13700001111"])

    def test_referral_circle_is_refused(self):
        first = customer(self.a, "甲", "13700002222")
        second = customer(self.a, "乙", "13700003333", referred_by=first)
        with pytest.raises(ApplicationError) as caught:
            customer_update(user=self.advisor, pk=first.pk, data={"referred_by_id": second.pk})
        self.assertIn("referred_by_id", caught.value.fields)


class MergeTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.org = make_org()
        cls.a, cls.b = cls.org["a"], cls.org["b"]
        cls.manager = make_user("manager", point=cls.a, role="point_manager")
        cls.advisor = make_user("advisor", point=cls.a, role="service_advisor")

    def setUp(self):
        self.target = customer(self.a, "张三", "13812345678")
        self.source = customer(self.a, "张三", "13812345678", "13900001111", address="世纪大道1号",
                               id_number=ID_ZHANG, id_type="resident_id", email="z@example.com", wechat="zhang_san")
        self.asset = Asset.objects.create(kind="vehicle", owner=self.source, service_point=self.a, brand="大众",
                                          vin="LSVAA4182E2000001", plate="沪A12345")
        self.ownership = Ownership.objects.create(asset=self.asset, customer=self.source,
                                                  started_on=dt.date(2020, 1, 1))
        self.referred = customer(self.a, "被介绍人", "13700001111", referred_by=self.source)
        CustomerPointLink.objects.create(customer=self.source, service_point=self.b, reason="work_order")

    def test_merge_moves_everything_and_closes_the_source(self):
        merged = customer_merge(user=self.manager, source_id=self.source.pk, target_id=self.target.pk)
        self.asset.refresh_from_db()
        self.ownership.refresh_from_db()
        self.referred.refresh_from_db()
        self.source.refresh_from_db()
        self.assertEqual(self.asset.owner_id, self.target.pk)
        self.assertEqual(self.ownership.customer_id, self.target.pk)
        self.assertEqual(self.referred.referred_by_id, self.target.pk)
        self.assertEqual(sorted(merged.phones.values_list("number", flat=True)), ["13812345678", "13900001111"])
        self.assertEqual([str(a) for a in merged.addresses.all()], ["上海市上海市浦东新区世纪大道1号"])
        self.assertEqual(list(merged.point_links.values_list("service_point_id", flat=True)), [self.b.pk])
        self.assertEqual((merged.id_number, merged.email, merged.wechat), (ID_ZHANG, "z@example.com", "zhang_san"))
        self.assertEqual((self.source.is_active, self.source.merged_into_id, self.source.id_number),
                         (False, self.target.pk, ""))
        self.assertFalse(self.source.phones.exists())
        rows = AuditLog.objects.filter(action="merge").order_by("id")
        self.assertEqual([r.object_id for r in rows], [str(self.source.pk), str(self.target.pk)])
        self.assertEqual(rows[1].after["moved"], {"addresses": 1, "assets": 1, "ownerships": 1, "phones": 1,
                                                  "point_links": 1, "referrals": 1})

    def test_phones_moved_by_a_merge_carry_the_target_home_point(self):
        hq = make_user("hq", point=self.org["hq"], role="hq_manager")
        from_b = customer(self.b, "张三", "13655556666")
        self.assertEqual(list(from_b.phones.values_list("home_point_id", flat=True)), [self.b.pk])
        merged = customer_merge(user=hq, source_id=from_b.pk, target_id=self.target.pk)
        self.assertEqual(set(merged.phones.values_list("home_point_id", flat=True)), {self.a.pk})

    def test_merge_needs_the_permission_and_both_archives_visible(self):
        with pytest.raises(NotFoundError):  # the advisor has no merge right anywhere: nothing is visible
            customer_merge(user=self.advisor, source_id=self.source.pk, target_id=self.target.pk)
        elsewhere = customer(self.b, "张三", "13600001111")
        with pytest.raises(ApplicationError) as caught:
            customer_merge(user=self.manager, source_id=elsewhere.pk, target_id=self.target.pk)
        self.assertEqual(caught.value.fields, {"source_id": ["Unknown customer."]})
        with pytest.raises(ApplicationError):
            customer_merge(user=self.manager, source_id=self.target.pk, target_id=self.target.pk)
        self.asset.refresh_from_db()
        self.assertEqual(self.asset.owner_id, self.source.pk)

    def test_a_merged_archive_cannot_be_merged_or_edited_again(self):
        customer_merge(user=self.manager, source_id=self.source.pk, target_id=self.target.pk)
        with pytest.raises(ApplicationError) as caught:
            customer_merge(user=self.manager, source_id=self.source.pk, target_id=self.target.pk)
        self.assertIn("source_id", caught.value.fields)
        with pytest.raises(ApplicationError):
            customer_update(user=self.manager, pk=self.source.pk, data={"notes": "x"})

    def test_delete_is_refused_while_assets_depend_on_it(self):
        with pytest.raises(ApplicationError) as caught:
            customer_delete(user=self.manager, pk=self.source.pk)
        self.assertEqual(caught.value.status, 422)
        self.assertIn("deactivate", caught.value.message)
        self.assertIn("assets", caught.value.message)
        self.assertTrue(Customer.objects.filter(pk=self.source.pk).exists())
