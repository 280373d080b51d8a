"""Assets, coverages, parts, operations and exclusions for the warranty tests."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from aftersales.assets.models import Coverage
from aftersales.assets.tests.factories import customer, product, vehicle
from aftersales.parts.models import Part
from aftersales.warranty.models import WarrantyExclusion
from aftersales.workshop.models import LabourOperation

_n = itertools.count(1)


def car(point, *, brand: str = "大众"):
    return vehicle(customer(point), brand=brand)


def appliance(point, *, brand: str = "格力"):
    return product(customer(point), brand=brand)


def cover(asset, kind: str = "base_warranty", *, starts: str = "2024-01-01", ends: str = "2026-12-31",
          limit: int | None = 100000) -> Coverage:
    return Coverage.objects.create(asset=asset, kind=kind, starts_on=dt.date.fromisoformat(starts),
                                   ends_on=dt.date.fromisoformat(ends), distance_limit=limit)


def part(*, name: str = "机油滤清器", category: str = "filter", wear: bool = False, eligible: bool = True,
         number: str | None = None) -> Part:
    return Part.objects.create(number=number or f"P-{next(_n):05d}", name=name, category=category,
                               is_wear_part=wear, warranty_eligible=eligible, sale_price=Decimal("50"))


def operation(*, name: str = "更换水泵", category: str = "engine", hours: str = "2.5",
              code: str | None = None) -> LabourOperation:
    return LabourOperation.objects.create(code=code or f"OP-{next(_n):05d}", name=name, category=category,
                                          standard_hours=Decimal(hours))


def exclusion(kind: str, value: str = "", **extra) -> WarrantyExclusion:
    return WarrantyExclusion.objects.create(kind=kind, value=value, **extra)
