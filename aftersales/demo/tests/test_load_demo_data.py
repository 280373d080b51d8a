"""load_demo_data: refused unless allowed, loads once, and the data it loads is valid and isolated."""

import datetime as dt
import io
import random
import re

import phonenumbers
from django.core.management import CommandError, call_command
from django.test import TestCase, override_settings
from stdnum.cn import ric

from aftersales.accounts.access import scope_for
from aftersales.accounts.models import Membership, ServicePoint, User
from aftersales.assets.models import Asset, Coverage, MaintenanceInterval, MeterReading
from aftersales.assets.plates import normalise_plate
from aftersales.assets.vin import decode_vin
from aftersales.core.models import AuditLog
from aftersales.customers.models import Customer, CustomerPhone
from aftersales.demo import generators as gen
from aftersales.demo.organisation import USERS


def load(**options) -> str:
    out = io.StringIO()
    call_command("load_demo_data", stdout=out, **options)
    return out.getvalue()


@override_settings(DEMO_DATA_ALLOWED=False)
class RefusedTests(TestCase):
    def test_production_settings_refuse_and_create_nothing(self):
        with self.assertRaisesMessage(CommandError, "not allowed"):
            load()
        self.assertEqual(ServicePoint.objects.count(), 0)
        self.assertEqual(User.objects.count(), 0)


class RealDataTests(TestCase):
    def test_a_database_with_its_own_organisation_gets_no_demo_data(self):
        from aftersales.core.testing import make_org

        make_org()

        output = load()

        self.assertIn("Nothing done", output)
        self.assertFalse(ServicePoint.objects.filter(code="HS").exists())
        self.assertEqual(ServicePoint.objects.count(), 6)


class LoadedTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.output = load()

    def test_it_reports_what_it_loaded(self):
        self.assertIn("Demo data loaded", self.output)
        self.assertIn("200 customers", self.output)

    def test_a_second_run_does_nothing(self):
        before = (Customer.objects.count(), Asset.objects.count(), AuditLog.objects.count())

        output = load()

        self.assertIn("already loaded", output)
        self.assertEqual((Customer.objects.count(), Asset.objects.count(), AuditLog.objects.count()), before)

    def test_the_organisation_has_regions_and_points_in_several_cities(self):
        company = ServicePoint.objects.get(parent=None)
        self.assertEqual(company.name, "华晟汽车服务集团")
        self.assertEqual(set(company.children.filter(kind="region").values_list("name", flat=True)),
                         {"华东大区", "华南大区", "华北大区"})
        kinds = set(ServicePoint.objects.values_list("kind", flat=True))
        self.assertEqual(kinds, {"company", "region", "dealer", "network_point", "info_centre", "warehouse"})
        self.assertGreaterEqual(len(set(ServicePoint.objects.exclude(kind="region").values_list("city", flat=True))), 4)
        store = ServicePoint.objects.get(code="SH-PD-4S")
        self.assertTrue(store.path.startswith(company.path))
        self.assertEqual((store.bays, store.brands[0], store.opening_hours["1"]), (24, "上汽大众", [["08:30", "18:00"]]))
        self.assertIsNotNone(store.latitude)

    def test_one_user_per_default_role_logs_in_with_the_user_name_as_password(self):
        from aftersales.accounts.roles import DEFAULT_ROLES

        held = set(Membership.objects.values_list("role__code", flat=True))
        self.assertEqual(held, set(DEFAULT_ROLES))
        for username, _name, role, point_code in USERS:
            user = User.objects.get(username=username)
            self.assertTrue(user.check_password(username), username)
            self.assertTrue(user.memberships.filter(role__code=role, service_point__code=point_code).exists())
        self.assertFalse(User.objects.get(username="advisor").check_password("admin"))
        self.assertTrue(User.objects.get(username="admin").is_staff)

    def test_two_advisors_at_different_points_see_different_customers(self):
        advisor, advisor2 = User.objects.get(username="advisor"), User.objects.get(username="advisor2")
        mine = set(Customer.objects.restrict(advisor, "view").values_list("pk", flat=True))
        theirs = set(Customer.objects.restrict(advisor2, "view").values_list("pk", flat=True))
        self.assertTrue(mine and theirs)
        self.assertFalse(mine & theirs)
        self.assertFalse(scope_for(advisor, "customers.view_customer").covers(ServicePoint.objects.get(code="HZ-XH-4S").pk))
        hotline = User.objects.get(username="hotline")
        self.assertEqual(Customer.objects.restrict(hotline, "view").count(), 200)

    def test_customers_have_valid_mobiles_and_resident_ids(self):
        self.assertEqual(Customer.objects.count(), 200)
        numbers = list(CustomerPhone.objects.values_list("number", flat=True))
        self.assertGreaterEqual(len(numbers), 200)
        for number in numbers:
            parsed = phonenumbers.parse(number, "CN")
            self.assertTrue(phonenumbers.is_valid_number(parsed), number)
        ids = list(Customer.objects.exclude(id_number="").values_list("id_number", flat=True))
        self.assertGreater(len(ids), 60)
        for number in ids:
            self.assertTrue(ric.is_valid(number), number)
        self.assertTrue(Customer.objects.filter(kind="organisation").exists())
        self.assertEqual(len(set(Customer.objects.values_list("segment", flat=True))), 5)
        self.assertTrue(Customer.objects.filter(marketing_consent=True).exists())
        self.assertTrue(Customer.objects.filter(marketing_consent=False).exists())
        self.assertFalse(Customer.objects.filter(abc_class="").exists())  # classified by the rules

    def test_pinyin_keys_are_kept_by_the_customer_service(self):
        zhang = Customer.objects.get(name="张三")
        self.assertEqual((zhang.name_pinyin, zhang.name_initials), ("zhangsan", "zs"))
        self.assertFalse(Customer.objects.filter(name_initials="").exists())

    def test_vehicles_have_correct_check_digits_valid_plates_and_rising_readings(self):
        vehicles = list(Asset.objects.filter(kind="vehicle"))
        self.assertGreater(len(vehicles), 100)
        for vehicle in vehicles:
            info = decode_vin(vehicle.vin)
            self.assertTrue(info.check_digit_valid and info.check_digit_mandatory, vehicle.vin)
            self.assertEqual(info.model_year, vehicle.model_year)
            self.assertEqual(normalise_plate(vehicle.plate), vehicle.plate)
        self.assertTrue(any(len(v.plate) == 8 for v in vehicles))
        self.assertTrue(any(len(v.plate) == 7 for v in vehicles))
        self.assertEqual({v.vin[:3] for v in vehicles}, {"LSV", "LFM", "LVG"})
        for vehicle in vehicles[:40]:
            values = list(MeterReading.objects.filter(asset=vehicle).order_by("read_on").values_list("value", flat=True))
            self.assertTrue(values, vehicle.vin)
            self.assertEqual(values, sorted(values))

    def test_vehicles_have_warranty_three_guarantee_and_insurance(self):
        for vehicle in Asset.objects.filter(kind="vehicle")[:40]:
            kinds = set(Coverage.objects.filter(asset=vehicle).values_list("kind", flat=True))
            self.assertTrue({"base_warranty", "three_guarantee", "insurance"} <= kinds, vehicle.vin)
        insurance = Coverage.objects.filter(kind="insurance").exclude(provider="").exclude(policy_number="")
        self.assertEqual(insurance.count(), Asset.objects.filter(kind="vehicle").count())

    def test_appliances_have_serial_numbers_and_installation_addresses(self):
        products = Asset.objects.filter(kind="product")
        self.assertGreater(products.count(), 50)
        self.assertFalse(products.filter(serial_number="").exists())
        self.assertFalse(products.filter(installation_address="").exists())
        self.assertEqual(set(products.values_list("brand", flat=True)), {"格力", "美的", "海尔"})
        self.assertEqual(MaintenanceInterval.objects.filter(brand="上汽大众", model="").get().distance, 10000)

    def test_changes_are_in_the_history_under_the_staff_who_made_them(self):
        advisor = User.objects.get(username="advisor")
        self.assertTrue(AuditLog.objects.filter(user=advisor, action="create", object_repr="张三").exists())


class GeneratorTests(TestCase):
    def test_resident_id_check_digit_matches_python_stdnum(self):
        rng = random.Random(1)
        for _ in range(300):
            number = gen.resident_id(rng, area_code="310115", birthday=gen.birthday(rng, today=dt.date(2026, 1, 1)),
                                     male=rng.random() < 0.5)
            self.assertTrue(ric.is_valid(number), number)
            self.assertEqual(gen.resident_id_check_digit(number[:17]), ric.calc_check_digit(number))  # it drops the last character

    def test_a_known_resident_id_check_digit(self):
        # The example of GB 11643-1999: 11010519491231002X.
        self.assertEqual(gen.resident_id_check_digit("11010519491231002"), "X")

    def test_generated_vins_and_plates_are_valid(self):
        rng = random.Random(2)
        for _ in range(300):
            vin = gen.vin(rng, wmi="LSV", year=rng.randint(2010, 2026))
            self.assertTrue(decode_vin(vin).check_digit_valid, vin)
            plate = gen.plate(rng, province="沪", city_letter="A", new_energy=rng.random() < 0.3)
            self.assertEqual(normalise_plate(plate), plate)
            self.assertRegex(gen.mobile(rng), re.compile(r"^1[3-9]\d{9}$"))


class SearchOverDemoDataTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load(customers=30)

    def test_the_shanghai_advisor_finds_zhang_san_by_initials_and_the_hangzhou_advisor_does_not(self):
        from aftersales.search.selectors import search_everything

        mine = search_everything(user=User.objects.get(username="advisor"), q="zs")
        theirs = search_everything(user=User.objects.get(username="advisor2"), q="zs")

        self.assertIn("张三", [hit.title for hit in mine.customers])
        self.assertNotIn("张三", [hit.title for hit in theirs.customers])

    def test_a_vehicle_is_found_by_the_last_six_characters_of_its_vin(self):
        from aftersales.search.selectors import search_everything

        vehicle = Asset.objects.filter(kind="vehicle").order_by("pk").first()
        found = search_everything(user=User.objects.get(username="admin"), q=vehicle.vin[-6:])

        self.assertIn(vehicle.pk, [hit.id for hit in found.assets])


class DemoPasswordTests(TestCase):
    @override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.PBKDF2PasswordHasher"])
    def test_demo_hashes_are_cheap_but_upgraded_at_the_first_login(self):
        from django.contrib.auth.hashers import check_password, get_hasher

        from aftersales.demo.organisation import demo_password_hash

        encoded = demo_password_hash("advisor")

        self.assertTrue(check_password("advisor", encoded))
        self.assertFalse(check_password("admin", encoded))
        self.assertTrue(get_hasher().must_update(encoded))


def test_production_settings_never_load_demo_data(tmp_path):
    """The real production settings module, in a process of its own: the command refuses."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.production", "SECRET_KEY": "x" * 50,
           "AFTERSALES_VAR_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)

    done = subprocess.run([sys.executable, "manage.py", "load_demo_data"], cwd=root, env=env,
                          capture_output=True, text=True, timeout=120)

    assert done.returncode == 1
    assert "Demo data is not allowed" in done.stderr
    assert not (tmp_path / "aftersales.sqlite3").exists() or (tmp_path / "aftersales.sqlite3").stat().st_size == 0
