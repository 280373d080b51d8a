"""Customers and assets for the search tests, written straight to the tables (the search only reads)."""

from __future__ import annotations

from aftersales.assets.choices import AssetKind
from aftersales.assets.models import Asset
from aftersales.customers.models import Customer, CustomerPhone, CustomerPointLink

VIN = "LSVAU2180N2183294"  # a real-format VIN; the search does not check the check digit


def customer(point, name: str, pinyin: str, initials: str, *phones: str, id_number: str = "") -> Customer:
    obj = Customer.objects.create(home_point=point, name=name, name_pinyin=pinyin, name_initials=initials,
                                  id_number=id_number)
    for i, number in enumerate(phones):
        CustomerPhone.objects.create(customer=obj, number=number, is_primary=i == 0)
    return obj


def vehicle(owner: Customer, *, vin: str = "", plate: str = "", point=None, brand: str = "大众") -> Asset:
    return Asset.objects.create(kind=AssetKind.VEHICLE, owner=owner, service_point=point or owner.home_point,
                                brand=brand, model="朗逸", vin=vin, plate=plate)


def product(owner: Customer, *, serial: str, brand: str = "格力", point=None) -> Asset:
    return Asset.objects.create(kind=AssetKind.PRODUCT, owner=owner, service_point=point or owner.home_point,
                                brand=brand, model="KFR-35GW", serial_number=serial)


def link(customer_obj: Customer, point) -> CustomerPointLink:
    return CustomerPointLink.objects.create(customer=customer_obj, service_point=point, reason="work_order")
