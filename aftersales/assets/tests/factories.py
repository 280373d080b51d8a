"""Customers and assets for the assets tests."""

from __future__ import annotations

import itertools

from aftersales.assets.choices import AssetKind
from aftersales.assets.models import Asset, Ownership
from aftersales.assets.vin import with_check_digit
from aftersales.customers.models import Customer

_serial = itertools.count(100001)


def customer(point, name: str = "张三") -> Customer:
    return Customer.objects.create(name=name, home_point=point)


def new_vin(prefix: str = "LSVAU2180N") -> str:
    """A valid Chinese VIN (correct check digit), unique per call."""
    return with_check_digit(f"{prefix}{next(_serial):07d}"[:17])


def vehicle(owner: Customer, *, point=None, vin: str | None = None, brand: str = "大众", model: str = "朗逸",
            **extra) -> Asset:
    asset = Asset.objects.create(kind=AssetKind.VEHICLE, owner=owner, service_point=point or owner.home_point,
                                 brand=brand, model=model, vin=vin or new_vin(), **extra)
    Ownership.objects.create(asset=asset, customer=owner, started_on=extra.get("sale_date") or "2024-01-01")
    return asset


def product(owner: Customer, *, point=None, serial: str | None = None, brand: str = "格力", **extra) -> Asset:
    return Asset.objects.create(kind=AssetKind.PRODUCT, owner=owner, service_point=point or owner.home_point,
                                brand=brand, model="KFR-35GW", serial_number=serial or f"SN{next(_serial)}",
                                meter_unit="h", **extra)
