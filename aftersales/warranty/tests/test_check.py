"""Every rule of the per-line warranty check, with the exact sentences the advisor reads."""

import datetime as dt
from decimal import Decimal

from django.test import TestCase
from django.utils import translation

from aftersales.core.errors import ApplicationError
from aftersales.core.testing import make_org
from aftersales.warranty.models import WarrantyExclusion
from aftersales.warranty.services import WarrantyVerdict, active_exclusions, line_warranty_check

from .factories import appliance, car, cover, exclusion, operation, part

DAY = dt.date(2025, 6, 1)
BASE = "Base warranty (包修期)"


class CheckTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.org = make_org()
        cls.point = cls.org["a"]

    def setUp(self):
        translation.activate("en")
        self.addCleanup(translation.deactivate)

    def check(self, asset, **kwargs):
        args = {"on_date": DAY, "mileage": 45000, "kind": "labour", "pay_type": "C", "cause": "fault"}
        args.update(kwargs)
        return line_warranty_check(asset=asset, **args)


class CoverageRuleTests(CheckTestCase):
    def test_base_warranty_in_force_on_the_day_covers_the_line(self):
        asset = car(self.point)
        base = cover(asset)
        verdict = self.check(asset)
        self.assertIsInstance(verdict, WarrantyVerdict)
        self.assertEqual(verdict.status, "covered")
        self.assertEqual(verdict.coverage, base)
        self.assertEqual(verdict.reasons, [f"{BASE} applies: in force until 2026-12-31 and up to 100,000 km.",
                                           "The reading is 45,000 km."])

    def test_last_day_and_exact_limit_are_still_covered(self):
        asset = car(self.point)
        cover(asset)
        verdict = self.check(asset, on_date=dt.date(2026, 12, 31), mileage=100000)
        self.assertEqual(verdict.status, "covered")

    def test_expired_by_date_is_not_covered_and_says_when_it_ended(self):
        asset = car(self.point)
        cover(asset)
        verdict = self.check(asset, on_date=dt.date(2027, 1, 5))
        self.assertEqual(verdict.status, "not_covered")
        self.assertIsNone(verdict.coverage)
        self.assertEqual(verdict.reasons, [f"{BASE} ended on 2026-12-31 (the work is on 2027-01-05)."])

    def test_not_yet_started_is_not_covered(self):
        asset = car(self.point)
        cover(asset, starts="2025-07-01")
        verdict = self.check(asset)
        self.assertEqual(verdict.status, "not_covered")
        self.assertEqual(verdict.reasons, [f"{BASE} starts only on 2025-07-01 (the work is on 2025-06-01)."])

    def test_beyond_distance_is_not_covered_and_names_limit_and_reading(self):
        asset = car(self.point)
        cover(asset)
        verdict = self.check(asset, mileage=120500)
        self.assertEqual(verdict.status, "not_covered")
        self.assertEqual(verdict.reasons, [f"{BASE} is limited to 100,000 km; the reading is 120,500 km."])

    def test_unknown_reading_is_covered_but_says_the_limit_was_not_checked(self):
        asset = car(self.point)
        cover(asset)
        verdict = self.check(asset, mileage=None)
        self.assertEqual(verdict.status, "covered")
        self.assertEqual(verdict.reasons[1], "The reading is not known, so the limit of 100,000 km was not checked.")

    def test_coverage_without_distance_limit(self):
        asset = appliance(self.point)
        cover(asset, limit=None)
        verdict = self.check(asset, mileage=None)
        self.assertEqual(verdict.reasons, [f"{BASE} applies: in force until 2026-12-31, with no distance limit."])

    def test_product_limits_are_operating_hours(self):
        asset = appliance(self.point)
        cover(asset, limit=20000)
        verdict = self.check(asset, mileage=25000)
        self.assertEqual(verdict.reasons, [f"{BASE} is limited to 20,000 operating hours; "
                                           "the reading is 25,000 operating hours."])

    def test_no_warranty_on_record(self):
        asset = car(self.point)
        cover(asset, "insurance")
        verdict = self.check(asset)
        self.assertEqual(verdict.status, "not_covered")
        self.assertEqual(verdict.reasons, ["No base warranty, three-guarantee period or extended warranty is on "
                                           "record for this asset."])

    def test_extended_warranty_takes_over_after_the_base_warranty(self):
        asset = car(self.point)
        cover(asset, ends="2024-12-31")
        extended = cover(asset, "extended_warranty", starts="2025-01-01", ends="2026-12-31", limit=150000)
        verdict = self.check(asset, mileage=110000)
        self.assertEqual(verdict.status, "covered")
        self.assertEqual(verdict.coverage, extended)
        self.assertEqual(verdict.reasons, ["Extended warranty applies: in force until 2026-12-31 and up to "
                                           "150,000 km.", "The reading is 110,000 km."])

    def test_base_warranty_is_preferred_over_three_guarantee_when_both_are_in_force(self):
        asset = car(self.point)
        cover(asset, "three_guarantee", ends="2025-12-31", limit=60000)
        base = cover(asset)
        self.assertEqual(self.check(asset).coverage, base)
        self.assertEqual(self.check(asset, mileage=70000).coverage, base)
        self.assertEqual(self.check(asset, on_date=dt.date(2027, 1, 1)).status, "not_covered")
        only_three = car(self.point)
        three = cover(only_three, "three_guarantee", ends="2025-12-31", limit=60000)
        self.assertEqual(self.check(only_three).coverage, three)

    def test_every_lapsed_coverage_says_why(self):
        asset = car(self.point)
        cover(asset, ends="2024-12-31")
        cover(asset, "three_guarantee", limit=40000)
        verdict = self.check(asset)
        self.assertEqual(verdict.reasons, [
            f"{BASE} ended on 2024-12-31 (the work is on 2025-06-01).",
            "Three-guarantee period (三包有效期) is limited to 40,000 km; the reading is 45,000 km.",
        ])

    def test_pay_type_b_needs_a_service_contract(self):
        asset = car(self.point)
        cover(asset)
        verdict = self.check(asset, pay_type="B")
        self.assertEqual(verdict.status, "not_covered")
        self.assertEqual(verdict.reasons, ["No service contract is on record for this asset."])
        contract = cover(asset, "service_contract", ends="2025-12-31", limit=None)
        verdict = self.check(asset, pay_type="B")
        self.assertEqual(verdict.status, "covered")
        self.assertEqual(verdict.coverage, contract)
        self.assertEqual(verdict.reasons, ["Service contract (合同服务) applies: in force until 2025-12-31, with no "
                                           "distance limit."])

    def test_pay_type_c_is_not_covered_by_a_service_contract(self):
        asset = car(self.point)
        cover(asset, "service_contract")
        self.assertEqual(self.check(asset, pay_type="C").status, "not_covered")

    def test_pay_types_a_and_d_are_not_checked(self):
        asset = car(self.point)
        exclusion("wear_part")
        wear = part(wear=True)
        for pay_type, label in (("A", "A · paid by the customer (有费服务)"), ("D", "D · internal (一般行政)")):
            with self.subTest(pay_type=pay_type):
                verdict = self.check(asset, pay_type=pay_type, kind="part", part=wear)
                self.assertEqual(verdict.status, "not_checked")
                self.assertIsNone(verdict.coverage)
                self.assertEqual(verdict.reasons, [f"Pay type {label}: no warranty check is needed."])


class ExclusionRuleTests(CheckTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.asset = car(cls.point)
        cover(cls.asset)
        cls.covered = f"{BASE} applies: in force until 2026-12-31 and up to 100,000 km."

    def test_wear_part_is_not_covered(self):
        exclusion("wear_part")
        pads = part(name="刹车片 前", category="brake", wear=True, number="1K0698151")
        verdict = self.check(self.asset, kind="part", part=pads)
        self.assertEqual(verdict.status, "not_covered")
        self.assertEqual(verdict.coverage.kind, "base_warranty")
        self.assertEqual(verdict.reasons, [self.covered, "The reading is 45,000 km.",
                                           "1K0698151 刹车片 前 is a wear part (易损件). Not covered."])

    def test_wear_part_without_an_active_rule_is_covered(self):
        exclusion("wear_part", is_active=False)
        verdict = self.check(self.asset, kind="part", part=part(wear=True))
        self.assertEqual(verdict.status, "covered")
        self.assertEqual(len(verdict.reasons), 2)

    def test_part_not_eligible_is_not_covered(self):
        exclusion("not_eligible")
        mat = part(name="脚垫", category="accessory", eligible=False, number="ACC-1")
        verdict = self.check(self.asset, kind="part", part=mat)
        self.assertEqual(verdict.status, "not_covered")
        self.assertEqual(verdict.reasons[-1], "ACC-1 脚垫 is not eligible for warranty. Not covered.")

    def test_excluded_part_category(self):
        exclusion("part_category", "paint")
        exclusion("part_category", "glass")
        paint = part(name="油漆", category="paint", number="PAINT-1")
        verdict = self.check(self.asset, kind="part", part=paint)
        self.assertEqual(verdict.status, "not_covered")
        self.assertEqual(verdict.reasons[-1], "PAINT-1 油漆 is in the category Paint, which is excluded. Not covered.")
        self.assertEqual(self.check(self.asset, kind="part", part=part(category="filter")).status, "covered")

    def test_part_rules_apply_to_part_lines_only(self):
        exclusion("wear_part")
        self.assertEqual(self.check(self.asset, kind="labour", part=part(wear=True)).status, "covered")

    def test_excluded_operation_category(self):
        exclusion("operation_category", "body")
        job = operation(name="钣金修复", category="body", code="BODY-01", hours="3")
        verdict = self.check(self.asset, kind="labour", operation=job)
        self.assertEqual(verdict.status, "not_covered")
        self.assertEqual(verdict.reasons[-1], "The labour operation BODY-01 钣金修复 is in the category Body work, "
                                              "which is excluded. Not covered.")
        self.assertEqual(self.check(self.asset, kind="part", operation=job).status, "covered")

    def test_misuse_is_not_covered(self):
        exclusion("cause", "misuse")
        verdict = self.check(self.asset, cause="misuse")
        self.assertEqual(verdict.status, "not_covered")
        self.assertEqual(verdict.reasons[-1], "The cause is: Misuse or negligence, which is excluded. Not covered.")

    def test_accident_is_not_covered(self):
        exclusion("cause", "accident")
        exclusion("cause", "misuse")
        verdict = self.check(self.asset, cause="accident", kind="part", part=part())
        self.assertEqual(verdict.status, "not_covered")
        self.assertEqual(verdict.reasons[-1], "The cause is: Accident damage, which is excluded. Not covered.")
        self.assertEqual(self.check(self.asset, cause="fault").status, "covered")

    def test_hours_above_the_limit_need_the_manufacturers_approval(self):
        exclusion("hour_limit", "10", effect="needs_approval")
        verdict = self.check(self.asset, hours=Decimal("12.5"))
        self.assertEqual(verdict.status, "needs_approval")
        self.assertEqual(verdict.coverage.kind, "base_warranty")
        self.assertEqual(verdict.reasons[-1], "The job takes 12.5 hours, above the limit of 10 hours. "
                                              "The manufacturer must approve it first.")

    def test_hours_at_the_limit_are_covered(self):
        exclusion("hour_limit", "10", effect="needs_approval")
        self.assertEqual(self.check(self.asset, hours="10").status, "covered")

    def test_hours_default_to_the_operations_standard_hours(self):
        exclusion("hour_limit", "10", effect="needs_approval")
        engine = operation(name="发动机大修", hours="14")
        self.assertEqual(self.check(self.asset, operation=engine).status, "needs_approval")
        self.assertEqual(self.check(self.asset, operation=engine, hours="8").status, "covered")

    def test_hour_limit_ignores_part_quantities(self):
        exclusion("hour_limit", "10", effect="needs_approval")
        self.assertEqual(self.check(self.asset, kind="part", part=part(), hours="20").status, "covered")

    def test_brand_rule_applies_to_that_brand_only(self):
        exclusion("part_category", "glass", brand="丰田")
        glass = part(category="glass")
        self.assertEqual(self.check(self.asset, kind="part", part=glass).status, "covered")
        toyota = car(self.point, brand=" 丰田")
        cover(toyota)
        self.assertEqual(self.check(toyota, kind="part", part=glass).status, "not_covered")

    def test_brand_match_ignores_case(self):
        exclusion("cause", "misuse", brand="skoda")
        skoda = car(self.point, brand="Skoda")
        cover(skoda)
        self.assertEqual(self.check(skoda, cause="misuse").status, "not_covered")

    def test_rules_apply_to_their_pay_types(self):
        cover(self.asset, "service_contract", limit=None)
        exclusion("wear_part")
        exclusion("cause", "misuse", applies_to="both")
        exclusion("part_category", "tyre", applies_to="contract")
        wear_tyre = part(category="tyre", wear=True, number="T1", name="轮胎")
        self.assertEqual(self.check(self.asset, pay_type="B", kind="part", part=wear_tyre).reasons[-1],
                         "T1 轮胎 is in the category Tyres and wheels, which is excluded. Not covered.")
        contract = self.check(self.asset, pay_type="B", kind="part", part=wear_tyre, cause="misuse")
        self.assertEqual(contract.status, "not_covered")
        self.assertEqual(len(contract.reasons), 3)  # coverage, tyre category, misuse; not the wear part
        self.assertNotIn("wear part", " ".join(contract.reasons))
        warranty = self.check(self.asset, kind="part", part=wear_tyre)
        self.assertEqual(warranty.reasons[2:], [f"{wear_tyre.number} {wear_tyre.name} is a wear part (易损件). "
                                                "Not covered."])

    def test_every_rule_that_fires_adds_its_reason_and_the_worst_wins(self):
        exclusion("hour_limit", "10", effect="needs_approval")
        exclusion("operation_category", "paint")
        exclusion("cause", "accident")
        job = operation(name="全车喷漆", category="paint", hours="16", code="PAINT-OP")
        verdict = self.check(self.asset, operation=job, cause="accident")
        self.assertEqual(verdict.status, "not_covered")
        self.assertEqual(verdict.reasons[2:], [
            "The cause is: Accident damage, which is excluded. Not covered.",
            "The job takes 16 hours, above the limit of 10 hours. The manufacturer must approve it first.",
            "The labour operation PAINT-OP 全车喷漆 is in the category Paint work, which is excluded. Not covered.",
        ])

    def test_expired_coverage_and_an_exclusion_both_say_why(self):
        exclusion("wear_part")
        verdict = self.check(self.asset, on_date=dt.date(2027, 3, 1), kind="part", part=part(wear=True, number="W1",
                                                                                          name="雨刮片"))
        self.assertEqual(verdict.status, "not_covered")
        self.assertEqual(verdict.reasons, [f"{BASE} ended on 2026-12-31 (the work is on 2027-03-01).",
                                           "W1 雨刮片 is a wear part (易损件). Not covered."])

    def test_the_rules_note_is_added_to_its_reason(self):
        exclusion("cause", "misuse", note="Ask the regional office for goodwill.")
        self.assertEqual(self.check(self.asset, cause="misuse").reasons[-1],
                         "The cause is: Misuse or negligence, which is excluded. Not covered. "
                         "Ask the regional office for goodwill.")

    def test_a_rule_can_ask_for_approval_instead_of_refusing(self):
        exclusion("part_category", "glass", effect="needs_approval")
        verdict = self.check(self.asset, kind="part", part=part(category="glass", number="G1", name="前挡风玻璃"))
        self.assertEqual(verdict.status, "needs_approval")
        self.assertEqual(verdict.reasons[-1], "G1 前挡风玻璃 is in the category Glass, which is excluded. "
                                              "The manufacturer must approve it first.")

    def test_reasons_are_translated(self):
        exclusion("cause", "misuse")
        with translation.override("zh-hans"):
            verdict = self.check(self.asset, cause="misuse")
        with translation.override("en"):
            english = self.check(self.asset, cause="misuse")
        self.assertEqual(verdict.status, english.status)
        self.assertEqual(len(verdict.reasons), len(english.reasons))


class CheckCostAndInputTests(CheckTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.asset = car(cls.point)
        cover(cls.asset)
        exclusion("wear_part")
        exclusion("cause", "misuse")

    def test_reads_the_coverages_and_the_exclusions_once(self):
        wear = part(wear=True)
        with self.assertNumQueries(2):
            self.check(self.asset, kind="part", part=wear)

    def test_exclusions_passed_in_are_not_read_again(self):
        rules = active_exclusions()
        self.assertEqual([r.kind for r in rules], ["cause", "wear_part"])
        wear = part(wear=True)
        with self.assertNumQueries(1):
            verdict = self.check(self.asset, kind="part", part=wear, exclusions=rules)
        self.assertEqual(verdict.status, "not_covered")

    def test_inactive_rules_are_not_read(self):
        WarrantyExclusion.objects.filter(kind="cause").update(is_active=False)
        self.assertEqual([r.kind for r in active_exclusions()], ["wear_part"])

    def test_bad_input_is_a_422_naming_the_field(self):
        cases = [
            ({"pay_type": "X"}, "pay_type"),
            ({"kind": "paint"}, "kind"),
            ({"cause": "weather"}, "cause"),
            ({"on_date": "2025-02-30"}, "on_date"),
            ({"on_date": None}, "on_date"),
            ({"mileage": "far"}, "mileage"),
            ({"mileage": -1}, "mileage"),
            ({"hours": "-1"}, "hours"),
            ({"hours": "1.234"}, "hours"),
        ]
        for change, field in cases:
            with self.subTest(change=change), self.assertRaises(ApplicationError) as caught:
                self.check(self.asset, **change)
            self.assertEqual(caught.exception.status, 422)
            self.assertIn(field, caught.exception.fields)

    def test_an_asset_that_is_not_one_is_refused(self):
        with self.assertRaises(ApplicationError) as caught:
            line_warranty_check(asset=None, on_date=DAY, mileage=1, kind="labour", pay_type="C", cause="fault")
        self.assertIn("asset_id", caught.exception.fields)

    def test_text_input_from_forms_is_accepted(self):
        verdict = self.check(self.asset, on_date="2025-06-01", mileage="45000", hours="2.5")
        self.assertEqual(verdict.status, "covered")
