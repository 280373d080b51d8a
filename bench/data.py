"""Realistic Chinese test data for the benchmark: names with pinyin, mobiles, resident IDs, VINs, plates.

Everything is drawn from one ``random.Random`` so a seed reproduces the data set.
"""

from __future__ import annotations

import datetime as dt
import random


def search_keys(name: str, *, person: bool = True) -> tuple[str, str]:
    """(pinyin, initials) exactly as the customer services store them (surname readings included)."""
    from aftersales.customers.pinyin import name_search_keys

    return name_search_keys(name, person=person)

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔"
    "钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
COMPOUND_SURNAMES = ["欧阳", "司马", "上官", "诸葛", "东方"]
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华飞玉萍红鹏建辉俊婷雪琳晨宇浩凯鑫博文斌波志宏国"
    "荣海燕梅丹颖倩慧佳欣怡子轩梓涵雨泽一诺思远晓东立新春秋冬德福贵祥瑞嘉琪瑶婉清雅彤悦可馨天成"
)
ORG_WORDS = ["物流", "出租汽车", "汽车租赁", "建设", "电力", "燃气", "快递", "公交", "环卫", "医药"]
CITIES = [
    ("北京", "北京", "京"), ("上海", "上海", "沪"), ("广东", "广州", "粤"), ("广东", "深圳", "粤"),
    ("浙江", "杭州", "浙"), ("江苏", "南京", "苏"), ("江苏", "苏州", "苏"), ("四川", "成都", "川"),
    ("湖北", "武汉", "鄂"), ("陕西", "西安", "陕"), ("重庆", "重庆", "渝"), ("天津", "天津", "津"),
    ("山东", "济南", "鲁"), ("山东", "青岛", "鲁"), ("河南", "郑州", "豫"), ("湖南", "长沙", "湘"),
    ("福建", "福州", "闽"), ("福建", "厦门", "闽"), ("辽宁", "沈阳", "辽"), ("安徽", "合肥", "皖"),
    ("云南", "昆明", "云"), ("广西", "南宁", "桂"), ("河北", "石家庄", "冀"), ("江西", "南昌", "赣"),
    ("贵州", "贵阳", "贵"),
]
REGIONS = ["华北", "华东", "华南", "华中", "西南"]
# Six-digit administrative division codes valid for every birth year drawn (1955-2002), as python-stdnum
# checks: districts created later would make an otherwise correct number invalid.
ID_REGIONS = ["110101", "110102", "110105", "110106", "110108", "310101", "310104", "310105", "310106",
              "310109", "310110", "120101", "120102", "120103"]
MOBILE_PREFIXES = ["130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153",
                   "155", "156", "157", "158", "159", "166", "176", "177", "178", "180", "181", "182", "183",
                   "185", "186", "187", "188", "189", "191", "198", "199"]
# (WMI, brand, models) of vehicles built in China.
VEHICLES = [
    ("LSV", "大众", ["朗逸", "帕萨特", "途观L"]), ("LFV", "一汽-大众", ["速腾", "迈腾", "宝来"]),
    ("LVG", "广汽丰田", ["凯美瑞", "汉兰达"]), ("LHG", "广汽本田", ["雅阁", "飞度"]),
    ("LGB", "东风日产", ["轩逸", "天籁"]), ("LSG", "上汽通用别克", ["英朗", "君越"]),
    ("LGX", "比亚迪", ["秦PLUS", "宋PLUS", "汉"]), ("L6T", "吉利", ["帝豪", "星越L"]),
    ("LS5", "长安", ["CS75", "逸动"]), ("LGW", "长城哈弗", ["H6", "H9"]),
    ("LE4", "北京奔驰", ["C260L", "E300L"]), ("LBV", "华晨宝马", ["325Li", "X3"]),
]
PRODUCTS = [
    ("格力", "GR", ["KFR-35GW/NhGa1B", "KFR-72LW/NhIb1BAj"]), ("美的", "MD", ["KFR-35GW/N8MJA3", "MB100V33B"]),
    ("海尔", "HE", ["EG100MATE2S", "BCD-470WDPG"]), ("海信", "HS", ["KFR-26GW/E500", "65E3F"]),
    ("奥克斯", "AX", ["KFR-35GW/BpR3", "KFR-51LW"]), ("格兰仕", "GL", ["P70D20TL-D4", "DG13N1"]),
]
COLOURS = ["白色", "黑色", "银色", "灰色", "红色", "蓝色"]
VIN_CHARS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
VIN_VALUES = {**{str(d): d for d in range(10)},
              **dict(zip("ABCDEFGH", range(1, 9), strict=True)), **dict(zip("JKLMN", range(1, 6), strict=True)),
              "P": 7, "R": 9, **dict(zip("STUVWXYZ", range(2, 10), strict=True))}
VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
YEAR_CODES = {2015: "F", 2016: "G", 2017: "H", 2018: "J", 2019: "K", 2020: "L", 2021: "M", 2022: "N",
              2023: "P", 2024: "R", 2025: "S"}
PLATE_CHARS = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def vin_check_digit(vin: str) -> str:
    """ISO 3779 / FMVSS 115 check digit (position 9) of a 17-character VIN."""
    total = sum(VIN_VALUES[ch] * w for ch, w in zip(vin.upper(), VIN_WEIGHTS, strict=True))
    remainder = total % 11
    return "X" if remainder == 10 else str(remainder)


def id_check_digit(first17: str) -> str:
    """GB 11643 check character (ISO 7064 MOD 11-2) of a resident ID number."""
    return "10X98765432"[sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


class Faker:
    """Draws the fields; ``names`` is a cached pool with pinyin computed once per distinct name."""

    def __init__(self, rnd: random.Random, *, pool_size: int = 30000) -> None:
        self.rnd = rnd
        self.names = self._name_pool(pool_size)
        self._vins: set[str] = set()
        self._serials: set[str] = set()

    def _name_pool(self, size: int) -> list[tuple[str, str, str, str]]:
        """(name, pinyin, initials, gender) — 张三 → ("张三", "zhangsan", "zs", "M")."""
        rnd, seen, pool = self.rnd, set(), []
        attempts = 0
        while len(pool) < size and attempts < size * 5:
            attempts += 1
            surname = rnd.choice(COMPOUND_SURNAMES) if rnd.random() < 0.01 else rnd.choice(SURNAMES)
            given = "".join(rnd.choice(GIVEN) for _ in range(1 if rnd.random() < 0.3 else 2))
            name = surname + given
            if name in seen:
                continue
            seen.add(name)
            pool.append((name, *search_keys(name), rnd.choice("MF")))
        return pool

    def person(self):
        return self.rnd.choice(self.names)

    def organisation(self, city: str) -> tuple[str, str, str]:
        name = f"{city}{self.rnd.choice(SURNAMES)}{self.rnd.choice(GIVEN)}{self.rnd.choice(ORG_WORDS)}有限公司"
        return (name, *search_keys(name, person=False))

    def mobile(self) -> str:
        return self.rnd.choice(MOBILE_PREFIXES) + f"{self.rnd.randrange(100_000_000):08d}"

    def resident_id(self) -> tuple[str, dt.date]:
        rnd = self.rnd
        born = dt.date(1955, 1, 1) + dt.timedelta(days=rnd.randrange(365 * 48))
        first17 = f"{rnd.choice(ID_REGIONS)}{born:%Y%m%d}{rnd.randrange(1000):03d}"
        return first17 + id_check_digit(first17), born

    def vin(self, wmi: str, year: int) -> str:
        rnd = self.rnd
        while True:
            vds = "".join(rnd.choice(VIN_CHARS) for _ in range(5))
            tail = YEAR_CODES[year] + rnd.choice(VIN_CHARS) + f"{rnd.randrange(1_000_000):06d}"
            draft = wmi + vds + "0" + tail
            vin = draft[:8] + vin_check_digit(draft) + draft[9:]
            if vin not in self._vins:
                self._vins.add(vin)
                return vin

    def plate(self, province_abbr: str) -> str:
        rnd = self.rnd
        letter = rnd.choice("ABCDEFGHJK")
        if rnd.random() < 0.12:  # new-energy: 8 characters, D (pure electric) or F (hybrid) first
            return f"{province_abbr}{letter}{rnd.choice('DF')}{rnd.randrange(100000):05d}"
        body = [rnd.choice("0123456789") for _ in range(5)]
        for pos in rnd.sample(range(5), rnd.choice((0, 1, 1, 2))):
            body[pos] = rnd.choice(PLATE_CHARS[:23])
        return province_abbr + letter + "".join(body)

    def serial(self, code: str) -> str:
        rnd = self.rnd
        while True:
            serial = f"{code}{rnd.randrange(2015, 2026)}{rnd.randrange(10**8):08d}"
            if serial not in self._serials:
                self._serials.add(serial)
                return serial
