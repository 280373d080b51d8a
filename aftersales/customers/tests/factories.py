"""Archives written straight to the tables (tests of the services go through the services instead)."""

from aftersales.customers.models import Customer, CustomerAddress, CustomerPhone
from aftersales.customers.pinyin import name_search_keys

# Valid resident ID numbers (check digits right).
ID_ZHANG = "11010519491231002X"
ID_OTHER = "110101199003071233"


def customer(point, name: str = "张三", *phones: str, address: str = "", **fields) -> Customer:
    pinyin, initials = name_search_keys(name)
    obj = Customer.objects.create(home_point=point, name=name, name_pinyin=pinyin, name_initials=initials, **fields)
    for i, number in enumerate(phones):
        CustomerPhone.objects.create(customer=obj, number=number, is_primary=i == 0)
    if address:
        CustomerAddress.objects.create(customer=obj, province="上海市", city="上海市", district="浦东新区",
                                       street=address, is_primary=True)
    return obj
