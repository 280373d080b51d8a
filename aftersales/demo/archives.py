"""Demo customers with their vehicles or appliances, meter readings, coverages and service intervals.

Created through the customers and assets services, as the staff of each point would (the Shanghai
store's advisor, the Hangzhou store's advisor, the information centre's hotline for the appliance
network points), so the change history reads like a real one.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from aftersales.assets.services import (
    asset_create,
    coverage_create,
    maintenance_interval_create,
    meter_reading_add,
)
from aftersales.customers.classification import customers_classify_all
from aftersales.customers.services import customer_create

from . import generators as gen
from .catalogue import APPLIANCES, COLOURS, INSURERS, LOCALITIES, ORGANISATIONS, Locality

# Who registers the archives of each point.
CREATORS = {"SH-PD-4S": "advisor", "HZ-XH-4S": "advisor2", "GZ-TH-NP": "hotline", "BJ-CY-NP": "hotline"}
SEGMENTS = ["private"] * 12 + ["company", "taxi", "fleet", "insurance"]
CHANNELS = ["phone", "phone", "wechat", "wechat", "sms", "email"]
HOURS = ["09:00-12:00", "09:00-18:00", "12:00-14:00", "18:00-21:00", ""]
INTERVALS = [
    {"brand": "上汽大众", "model": "", "months": 12, "distance": 10000, "first_months": 6, "first_distance": 5000},
    {"brand": "上汽大众", "model": "ID.4 X", "months": 24, "distance": 30000, "first_months": 12,
     "first_distance": 10000},
    {"brand": "斯柯达", "model": "", "months": 12, "distance": 10000, "first_months": 6, "first_distance": 5000},
    {"brand": "一汽丰田", "model": "", "months": 6, "distance": 5000, "first_months": 6, "first_distance": 5000},
    {"brand": "广汽丰田", "model": "", "months": 6, "distance": 5000, "first_months": 6, "first_distance": 5000},
    {"brand": "格力", "model": "", "months": 12, "distance": 2000},
    {"brand": "美的", "model": "", "months": 12, "distance": 2000},
    {"brand": "海尔", "model": "", "months": 12, "distance": 2000},
]
# Classic sample names first, so that "zs" finds 张三 in the demo.
FIRST_NAMES = ["张三", "李四", "王五", "赵六"]


def _address(rng: random.Random, loc: Locality) -> tuple[dict, tuple[str, str, str]]:
    district = rng.choice(loc.districts)
    street = f"{rng.choice(loc.streets)}{rng.randrange(1, 1999)}号{rng.randrange(1, 30)}幢{rng.randrange(101, 2802)}室"
    return ({"label": "家庭住址", "province": loc.province, "city": loc.city, "district": district[0],
             "street": street, "postcode": district[2], "is_primary": True}, district)


def _customer_data(rng: random.Random, loc: Locality, point_id: int, index: int, today: dt.date) -> dict:
    address, district = _address(rng, loc)
    male = rng.random() < 0.6
    name = FIRST_NAMES[index] if index < len(FIRST_NAMES) and loc.point_code == "SH-PD-4S" else gen.person_name(rng)
    data = {
        "kind": "person", "name": name, "gender": "M" if male else "F", "home_point_id": point_id,
        "phones": [{"number": gen.mobile(rng), "kind": "mobile", "is_primary": True}],
        "addresses": [address],
        "segment": rng.choice(SEGMENTS), "preferred_channel": rng.choice(CHANNELS),
        "preferred_hours": rng.choice(HOURS), "marketing_consent": rng.random() < 0.55,
        "credit_rating": rng.choice(["good", "normal", "normal", "normal", "watch"]),
    }
    if rng.random() < 0.25:
        data["phones"].append({"number": gen.mobile(rng), "kind": "work", "is_primary": False})
    if rng.random() < 0.6:
        born = gen.birthday(rng, today=today)
        data.update(birthday=born.isoformat(), id_type="resident_id",
                    id_number=gen.resident_id(rng, area_code=district[1], birthday=born, male=male))
    if rng.random() < 0.4:
        data["wechat"] = f"wx_{rng.randrange(10**6, 10**9)}"
    if rng.random() < 0.2:
        data["email"] = f"user{rng.randrange(1000, 99999)}@example.cn"
    return data


def _organisation_data(rng: random.Random, loc: Locality, point_id: int, name: str, segment: str) -> dict:
    address, _district = _address(rng, loc)
    address["label"] = "办公地址"
    return {
        "kind": "organisation", "name": name, "home_point_id": point_id, "segment": segment,
        "contact_person": gen.person_name(rng),
        "phones": [{"number": gen.mobile(rng), "kind": "work", "is_primary": True}],
        "addresses": [address], "preferred_channel": "phone", "preferred_hours": "09:00-17:30",
        "credit_rating": "good", "credit_limit": Decimal(rng.choice([50000, 100000, 200000])),
        "payment_term_days": rng.choice([30, 60]), "marketing_consent": True,
    }


def _vehicle(rng, *, user, customer, loc: Locality, point, today: dt.date, counts: dict) -> None:
    brand, wmi, models = rng.choice(loc.vehicles)
    model, electric, engine_prefix = rng.choice(models)
    year = rng.randint(today.year - 8, today.year)
    sale = min(dt.date(year, rng.randint(1, 12), rng.randint(1, 28)), today - dt.timedelta(days=20))
    asset = asset_create(user=user, data={
        "kind": "vehicle", "owner_id": customer.pk, "service_point_id": point.pk, "brand": brand, "model": model,
        "model_year": year, "sale_date": sale.isoformat(), "selling_dealer_id": point.pk,
        "vin": gen.vin(rng, wmi=wmi, year=year),
        "plate": gen.plate(rng, province=loc.plate_province, city_letter=rng.choice(loc.plate_letters),
                           new_energy=electric),
        "engine_number": "" if electric else f"{engine_prefix}{rng.randrange(10**5, 10**6)}",
        "colour": rng.choice(COLOURS),
        "initial_reading": {"read_on": sale.isoformat(), "value": rng.randint(5, 30), "source": "delivery"},
    })
    counts["vehicles"] += 1
    counts["meter readings"] += 1
    # Mileage over time: a reading at each visit, every eight to fourteen months.
    per_day = rng.uniform(15, 90)
    day, value = sale, 30.0
    while True:
        gap = rng.randint(240, 420)
        day += dt.timedelta(days=gap)
        value += per_day * gap * rng.uniform(0.8, 1.2)
        if day > today:
            break
        meter_reading_add(user=user, asset_id=asset.pk, read_on=day, value=int(value), source="visit")
        counts["meter readings"] += 1
    _vehicle_coverages(rng, user=user, asset=asset, sale=sale, today=today, counts=counts)


def _vehicle_coverages(rng, *, user, asset, sale: dt.date, today: dt.date, counts: dict) -> None:
    def add(kind: str, starts: dt.date, ends: dt.date, **extra) -> None:
        coverage_create(user=user, asset_id=asset.pk, data={
            "kind": kind, "starts_on": starts.isoformat(), "ends_on": ends.isoformat(), **extra})
        counts["coverages"] += 1

    add("base_warranty", sale, _years_later(sale, 3) - dt.timedelta(days=1), distance_limit=100000,
        provider=asset.brand)
    add("three_guarantee", sale, _years_later(sale, 2) - dt.timedelta(days=1), distance_limit=50000,
        provider=asset.brand)
    if rng.random() < 0.25:
        add("extended_warranty", _years_later(sale, 3), _years_later(sale, 5) - dt.timedelta(days=1),
            distance_limit=150000, provider=asset.brand, policy_number=f"EW{sale:%Y}{rng.randrange(10**7, 10**8)}")
    # Insurance renewed every year on the sale anniversary; some lapsed, some expiring soon.
    years = max(0, (today - sale).days // 365)
    last = years if rng.random() < 0.85 else max(0, years - 1)
    insurer, prefix = rng.choice(INSURERS)
    starts = _years_later(sale, last)
    add("insurance", starts, _years_later(starts, 1) - dt.timedelta(days=1), provider=insurer,
        policy_number=f"{prefix}{starts:%Y}{rng.randrange(10**11, 10**12)}")


def _appliances(rng, *, user, customer, loc: Locality, point, address: str, today: dt.date, counts: dict) -> None:
    for _n in range(rng.choice((1, 1, 1, 2, 2, 3))):
        brand, label, model, prefix = rng.choice(APPLIANCES)
        installed = today - dt.timedelta(days=rng.randrange(30, 6 * 365))
        asset = asset_create(user=user, data={
            "kind": "product", "owner_id": customer.pk, "service_point_id": point.pk, "brand": brand,
            "model": f"{label} {model}", "model_year": installed.year, "sale_date": installed.isoformat(),
            "serial_number": gen.serial_number(rng, prefix=prefix, made=installed - dt.timedelta(days=40)),
            "installation_date": installed.isoformat(), "installation_address": address,
        })
        counts["appliances"] += 1
        years = 6 if brand == "格力" else 1
        coverage_create(user=user, asset_id=asset.pk, data={
            "kind": "base_warranty", "starts_on": installed.isoformat(),
            "ends_on": (_years_later(installed, years) - dt.timedelta(days=1)).isoformat(), "provider": brand})
        coverage_create(user=user, asset_id=asset.pk, data={
            "kind": "three_guarantee", "starts_on": installed.isoformat(),
            "ends_on": (_years_later(installed, 3) - dt.timedelta(days=1)).isoformat(), "provider": brand,
            "notes": "主要部件三年"})
        counts["coverages"] += 2


def _years_later(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def create_archives(*, rng: random.Random, org: dict, customers: int, today: dt.date) -> dict[str, int]:
    users, points = org["users"], org["points"]
    counts = dict.fromkeys(("customers", "vehicles", "appliances", "meter readings", "coverages",
                            "maintenance intervals"), 0)
    for interval in INTERVALS:
        maintenance_interval_create(user=org["admin"], data=interval)
        counts["maintenance intervals"] += 1
    made = 0
    for n, loc in enumerate(LOCALITIES):
        point, user = points[loc.point_code], users[CREATORS[loc.point_code]]
        share = customers - made if n == len(LOCALITIES) - 1 else round(customers * loc.share)
        organisations = ORGANISATIONS.get(loc.point_code, [])[: max(0, share // 10)]
        point_customers: list[int] = []
        for i in range(share):
            if i < len(organisations):
                data = _organisation_data(rng, loc, point.pk, *organisations[i])
            else:
                data = _customer_data(rng, loc, point.pk, i - len(organisations), today)
            if i > 10 and data["kind"] == "person" and rng.random() < 0.1:
                data["referred_by_id"] = rng.choice(point_customers)
            customer = customer_create(user=user, data=data)
            point_customers.append(customer.pk)
            made += 1
            counts["customers"] += 1
            if loc.appliances:
                addr = data["addresses"][0]
                region = addr["city"] if addr["province"] == addr["city"] else addr["province"] + addr["city"]
                _appliances(rng, user=user, customer=customer, loc=loc, point=point, today=today, counts=counts,
                            address=f"{region}{addr['district']}{addr['street']}")
            else:
                for _v in range(3 if data["kind"] == "organisation" else rng.choice((1, 1, 1, 2))):
                    _vehicle(rng, user=user, customer=customer, loc=loc, point=point, today=today, counts=counts)
    # What the nightly job would do: class and value tier from the (still empty) history, by the rules.
    customers_classify_all(user=org["admin"])
    return counts
