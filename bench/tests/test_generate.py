"""The generator must keep working as the models change: load a small data set and check it."""

from __future__ import annotations

import io
import unittest

from django.db import connection
from django.test import TestCase
from stdnum.cn import ric

from aftersales.assets.choices import AssetKind
from aftersales.assets.models import Asset, MeterReading, Ownership
from aftersales.customers.models import Customer, CustomerPhone
from aftersales.customers.pinyin import name_search_keys
from bench.data import vin_check_digit
from bench.generate import generate


@unittest.skipUnless(connection.vendor == "postgresql", "the generator loads PostgreSQL with COPY")
class GeneratorTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.report = generate(customers=300, seed=3, points=5, out=io.StringIO())

    def test_row_counts(self):
        self.assertEqual(Customer.objects.count(), 300)
        self.assertEqual(Asset.objects.count(), 360)
        self.assertEqual(Ownership.objects.count(), 360)
        self.assertEqual(MeterReading.objects.count(), 1500)
        phones = CustomerPhone.objects.count()
        self.assertTrue(300 <= phones <= 600, phones)
        self.assertFalse(Customer.objects.filter(phones__isnull=True).exists())
        self.assertEqual({name for name, _rows, _s in self.report.timings if name.startswith(("customers_", "assets_"))},
                         {"customers_customer", "customers_customerphone", "customers_customerpointlink",
                          "assets_asset", "assets_ownership", "assets_meterreading"})

    def test_generated_vins_carry_a_valid_check_digit(self):
        vins = list(Asset.objects.filter(kind=AssetKind.VEHICLE).values_list("vin", flat=True))
        self.assertTrue(vins)
        for vin in vins:
            self.assertEqual(len(vin), 17)
            self.assertEqual(vin[8], vin_check_digit(vin), vin)
        try:
            from aftersales.assets.vin import compute_check_digit
        except ImportError:  # the assets app's own validator, once it exists
            return
        self.assertEqual(vins[0][8], compute_check_digit(vins[0]))

    def test_check_digit_of_a_published_example(self):
        self.assertEqual(vin_check_digit("1M8GDM9AXKP042788"), "X")
        self.assertEqual(vin_check_digit("11111111111111111"), "1")

    def test_resident_ids_validate_and_names_carry_pinyin(self):
        ids = list(Customer.objects.exclude(id_number="").values_list("id_number", flat=True))
        self.assertTrue(ids)
        for number in ids:
            ric.validate(number)
        person = Customer.objects.filter(kind="person").first()
        self.assertEqual((person.name_pinyin, person.name_initials), name_search_keys(person.name))
        self.assertTrue(person.name_pinyin.isascii() and person.name_pinyin.islower())

    def test_sequences_continue_after_the_loaded_ids(self):
        owner = Customer.objects.order_by("-id").first()
        created = Customer.objects.create(name="新客户", home_point=owner.home_point)
        self.assertGreater(created.pk, owner.pk)

    def test_search_indexes_exist_after_the_reload(self):
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE 'search_%%'")
            names = {row[0] for row in cursor.fetchall()}
        self.assertIn("search_phone_number_trgm", names)
        self.assertIn("search_asset_vin_suffix", names)
