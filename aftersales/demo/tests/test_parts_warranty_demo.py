"""The demo parts catalogue, stock and warranty exclusions."""

import datetime as dt
import random
from decimal import Decimal

from django.test import TestCase

from aftersales.assets.models import Coverage
from aftersales.assets.tests.factories import customer, vehicle
from aftersales.demo.organisation import create_organisation
from aftersales.demo.parts import create_parts_demo
from aftersales.demo.warranty import create_warranty_demo
from aftersales.parts.models import Part, Stock, StockMovement
from aftersales.warranty.models import WarrantyExclusion
from aftersales.warranty.services import line_warranty_check

TODAY = dt.date(2026, 11, 20)


class PartsAndWarrantyDemoTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.org = create_organisation()
        cls.parts = create_parts_demo(rng=random.Random(7), org=cls.org, today=TODAY)
        cls.warranty = create_warranty_demo(rng=random.Random(7), org=cls.org, today=TODAY)

    def test_counts_are_reported(self):
        self.assertEqual(self.parts["parts"], Part.objects.count())
        self.assertEqual(self.parts["parts"], 37)
        self.assertEqual(self.parts["stock rows"], Stock.objects.count())
        self.assertEqual(self.parts["goods receipts"], StockMovement.objects.filter(kind="receipt").count())
        self.assertEqual(self.warranty["warranty exclusions"], WarrantyExclusion.objects.count())

    def test_each_store_keeps_its_brands_parts(self):
        shanghai = Stock.objects.filter(service_point__code="SH-PD-4S").select_related("part")
        self.assertEqual({s.part.brand for s in shanghai}, {"上汽大众"})
        hangzhou = Stock.objects.filter(service_point__code="HZ-XH-4S").select_related("part")
        self.assertEqual({s.part.brand for s in hangzhou}, {"一汽丰田"})
        network = Stock.objects.filter(service_point__code="GZ-TH-NP").select_related("part")
        self.assertTrue({s.part.category for s in network} <= {"appliance", "fluid", "accessory"})
        self.assertIn("压缩机 1.5匹", {s.part.name for s in network})

    def test_flags_and_prices_are_sensible(self):
        oil = Part.objects.get(number="G052195M4")
        self.assertEqual((oil.unit, oil.is_wear_part, oil.warranty_eligible), ("litre", True, False))
        pump = Part.objects.get(number="04E121600AL")
        self.assertEqual((pump.is_wear_part, pump.warranty_eligible, pump.sale_price), (False, True, Decimal("560")))
        self.assertEqual(Part.objects.get(number="5G0807221GRU").category, "body")
        self.assertTrue(all(p.cost_price < p.sale_price for p in Part.objects.all()))

    def test_some_stock_is_low_and_some_empty(self):
        rows = list(Stock.objects.all())
        self.assertTrue(all(r.on_hand >= 0 and r.reserved == 0 for r in rows))
        self.assertEqual(sum(r.below_reorder for r in rows), self.parts["stock rows to reorder"])
        self.assertGreater(self.parts["stock rows to reorder"], 0)
        self.assertGreater(self.parts["empty stock rows"], 0)
        self.assertEqual(sum(r.on_hand == 0 for r in rows), self.parts["empty stock rows"])

    def test_the_shanghai_clerk_received_the_shanghai_stock(self):
        movement = StockMovement.objects.filter(stock__service_point__code="SH-PD-4S", kind="receipt").first()
        self.assertEqual(movement.actor.username, "parts")
        self.assertTrue(movement.reference.startswith("SVW-"))

    def test_the_exclusions_work_on_demo_parts(self):
        point = self.org["points"]["SH-PD-4S"]
        car = vehicle(customer(point), brand="上汽大众")
        Coverage.objects.create(asset=car, kind="base_warranty", starts_on=dt.date(2025, 1, 1),
                                ends_on=dt.date(2027, 12, 31), distance_limit=100000)
        pads = Part.objects.get(number="5QD698151")
        verdict = line_warranty_check(asset=car, on_date=TODAY, mileage=20000, kind="part", pay_type="C",
                                      cause="fault", part=pads)
        self.assertEqual(verdict.status, "not_covered")
        pump = Part.objects.get(number="04E121600AL")
        verdict = line_warranty_check(asset=car, on_date=TODAY, mileage=20000, kind="part", pay_type="C",
                                      cause="fault", part=pump)
        self.assertEqual(verdict.status, "covered")
        self.assertTrue(WarrantyExclusion.objects.filter(kind="hour_limit", brand="格力", value="4").exists())
