"""Realistic Chinese personal data for the demo: names, mobiles, resident IDs, plates, VINs, serials.

Every function takes the caller's ``random.Random`` so a fixed seed gives the same data every run.
"""

from __future__ import annotations

import datetime as dt
import random

from stdnum.cn import ric

from aftersales.assets.vin import YEAR_CODES, with_check_digit

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦"
)
GIVEN_CHARS = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国建华志强海燕文博子涵浩然欣怡梓萱雨桐宇轩俊杰思远晓峰丹丹玉兰"
    "红梅春生立新国庆家豪佳怡嘉欣梦琪一鸣天佑子墨若曦婉婷晨阳嘉怡泽宇晓东晓燕婷婷鹏飞"
)
# Mobile prefixes of the three operators (all valid for phonenumbers' CN metadata).
MOBILE_PREFIXES = (
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153", "155", "156",
    "157", "158", "159", "166", "177", "180", "181", "182", "183", "185", "186", "187", "188", "189", "199",
)
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"  # no I, no O
VIN_CHARS = PLATE_LETTERS.replace("Q", "") + "0123456789"  # VINs never use I, O or Q


def person_name(rng: random.Random) -> str:
    given = rng.choice(GIVEN_CHARS)
    if rng.random() < 0.7:
        given += rng.choice(GIVEN_CHARS)
    return rng.choice(SURNAMES) + given


def mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + "".join(rng.choice("0123456789") for _ in range(8))


def resident_id_check_digit(first17: str) -> str:
    """GB 11643-1999: weighted sum of the first 17 digits mod 11, mapped to 1 0 X 9 8 7 6 5 4 3 2."""
    total = sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK[total % 11]


def _place_valid(number: str) -> bool:
    try:
        return ric.is_valid(number)
    except (KeyError, ValueError):  # python-stdnum trips over a few codes of its own table
        return False


def resident_id(rng: random.Random, *, area_code: str, birthday: dt.date, male: bool) -> str:
    """An 18-character resident ID. The area code must have existed at birth (districts were renumbered
    over the years), so an older code of the same city is used when the district's is younger."""
    sequence = rng.randrange(0, 100) * 10 + rng.choice((1, 3, 5, 7, 9) if male else (0, 2, 4, 6, 8))
    number = ""
    for code in (area_code, *(f"{area_code[:4]}{i:02d}" for i in range(1, 100))):
        first17 = f"{code}{birthday:%Y%m%d}{sequence:03d}"
        number = first17 + resident_id_check_digit(first17)
        if _place_valid(number):
            break
    return number


def birthday(rng: random.Random, *, today: dt.date) -> dt.date:
    return today - dt.timedelta(days=rng.randrange(22 * 365, 65 * 365))


def plate(rng: random.Random, *, province: str, city_letter: str, new_energy: bool = False) -> str:
    """沪A·12B34 style (7 characters) or a small new-energy plate 沪AD12345 (8 characters)."""
    if new_energy:
        return f"{province}{city_letter}{rng.choice('DF')}{rng.randrange(0, 100000):05d}"
    tail = [rng.choice("0123456789") for _ in range(5)]
    for pos in rng.sample(range(5), rng.choice((0, 1, 1, 2))):
        tail[pos] = rng.choice(PLATE_LETTERS.replace("Q", ""))
    return f"{province}{city_letter}{''.join(tail)}"


def vin(rng: random.Random, *, wmi: str, year: int) -> str:
    """A 17-character VIN with a correct ISO 3779 check digit and the model-year code for ``year``."""
    vds = "".join(rng.choice(VIN_CHARS) for _ in range(5))
    year_code = YEAR_CODES[(year - 1980) % 30]
    plant = rng.choice(VIN_CHARS)
    serial = f"{rng.randrange(0, 1000000):06d}"
    return with_check_digit(f"{wmi}{vds}0{year_code}{plant}{serial}")


def serial_number(rng: random.Random, *, prefix: str, made: dt.date) -> str:
    return f"{prefix}{made:%y%m}{rng.randrange(0, 10**7):07d}"
