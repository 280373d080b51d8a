"""Demo parts catalogue and stock (配件目录与库存).

Genuine-style parts for the demo brands — 上汽大众/斯柯达 at the Shanghai store, 一汽丰田/广汽丰田 at
the Hangzhou store, appliance parts (格力/美的/海尔) at the two network points — and a regional parts
warehouse holding the car parts in bulk. Prices are CNY; wear parts (易损件) and parts outside the
warranty are flagged. The parts clerk of the Shanghai store keeps its stock; the HQ manager keeps the
others'. Some rows are low (at or below the reorder point) and a few are empty.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from aftersales.parts.models import Stock
from aftersales.parts.services import part_create, stock_count, stock_open, stock_receipt

# number, name, category, unit, sale price, wear part, warranty eligible, usual stock, reorder point
VW = [
    ("06A115561B", "机油滤清器", "filter", "piece", "68.00", True, True, 60, 20),
    ("5Q0129620B", "空气滤清器", "filter", "piece", "128.00", True, True, 30, 10),
    ("5Q0819653", "空调滤清器", "filter", "piece", "98.00", True, True, 30, 10),
    ("G052195M4", "机油 5W-30 (升)", "fluid", "litre", "78.00", True, False, 240, 80),
    ("5QD698151", "刹车片 前", "brake", "set", "480.00", True, True, 12, 4),
    ("5QD698451", "刹车片 后", "brake", "set", "380.00", True, True, 10, 4),
    ("04E905612C", "火花塞", "engine", "piece", "65.00", True, True, 48, 16),
    ("5G1955425", "雨刮片", "wiper", "set", "168.00", True, True, 16, 6),
    ("000915105DH", "蓄电池 12V 68Ah", "electrical", "piece", "899.00", False, True, 6, 2),
    ("SVW-TY-2055516", "轮胎 205/55 R16", "tyre", "piece", "650.00", True, False, 16, 8),
    ("5G0807221GRU", "前保险杠", "body", "piece", "1680.00", False, True, 2, 1),
    ("LB9A-PAINT", "油漆 糖果白 LB9A (升)", "paint", "litre", "320.00", False, False, 8, 3),
    ("04E121600AL", "水泵总成", "engine", "piece", "560.00", False, True, 4, 2),
    ("04E903015D", "发电机", "electrical", "piece", "2400.00", False, True, 1, 1),
]
TOYOTA = [
    ("90915-YZZD2", "机油滤清器", "filter", "piece", "58.00", True, True, 60, 20),
    ("17801-21060", "空气滤清器", "filter", "piece", "118.00", True, True, 30, 10),
    ("87139-0D010", "空调滤清器", "filter", "piece", "88.00", True, True, 30, 10),
    ("08880-83265", "机油 0W-20 (升)", "fluid", "litre", "82.00", True, False, 200, 60),
    ("04465-02220", "刹车片 前", "brake", "set", "520.00", True, True, 10, 4),
    ("04466-02200", "刹车片 后", "brake", "set", "410.00", True, True, 8, 4),
    ("90919-01253", "火花塞", "engine", "piece", "75.00", True, True, 40, 16),
    ("85222-02190", "雨刮片", "wiper", "set", "158.00", True, True, 14, 6),
    ("28800-0T320", "蓄电池 12V 60Ah", "electrical", "piece", "860.00", False, True, 5, 2),
    ("TY-1956515", "轮胎 195/65 R15", "tyre", "piece", "580.00", True, False, 16, 8),
    ("52119-02D90", "前保险杠", "body", "piece", "1520.00", False, True, 2, 1),
    ("040-PAINT", "油漆 珍珠白 040 (升)", "paint", "litre", "340.00", False, False, 6, 3),
    ("16100-09261", "水泵总成", "engine", "piece", "620.00", False, True, 3, 2),
]
APPLIANCE = [
    ("GR-QXA-B141", "压缩机 1.5匹", "appliance", "piece", "1280.00", False, True, 3, 1),
    ("GR-CBB65-35", "启动电容 35μF", "appliance", "piece", "45.00", False, True, 40, 10),
    ("GR-FN-YDK28", "室外风扇电机", "appliance", "piece", "380.00", False, True, 6, 2),
    ("GR-ZB-30138", "主板 (室内机)", "appliance", "piece", "450.00", False, True, 8, 3),
    ("GR-LW-35", "滤网 (一对)", "appliance", "set", "35.00", True, True, 50, 15),
    ("MD-PSB-20W", "排水泵 (洗衣机)", "appliance", "piece", "160.00", False, True, 10, 4),
    ("MD-BELT-1270", "传动皮带 (洗衣机)", "appliance", "piece", "48.00", True, True, 20, 6),
    ("HE-DJ-XQG100", "滚筒电机 (洗衣机)", "appliance", "piece", "860.00", False, True, 2, 1),
    ("R32-KG", "冷媒 R32 (公斤)", "fluid", "kg", "120.00", True, False, 30, 10),
    ("GR-YK-YAP1F", "遥控器", "accessory", "piece", "60.00", False, False, 25, 8),
]
BRANDS = {"VW": "上汽大众", "TOYOTA": "一汽丰田", "APPLIANCE": "格力"}
APPLIANCE_BRANDS = {"GR": "格力", "MD": "美的", "HE": "海尔", "R3": ""}
# point code → (catalogue, bins prefix, share of the usual stock held)
STOCKED = {
    "SH-PD-4S": ("VW", "A", 1.0),
    "HZ-XH-4S": ("TOYOTA", "B", 1.0),
    "GZ-TH-NP": ("APPLIANCE", "G", 1.0),
    "BJ-CY-NP": ("APPLIANCE", "J", 0.6),
    "WH-EAST": ("VW", "W", 4.0),
}
CATALOGUES = {"VW": VW, "TOYOTA": TOYOTA, "APPLIANCE": APPLIANCE}
SUPPLIERS = {"VW": "SVW", "TOYOTA": "FTMS", "APPLIANCE": "GREE"}


def _brand(catalogue: str, number: str) -> str:
    if catalogue == "APPLIANCE":
        return APPLIANCE_BRANDS.get(number[:2], "")
    return BRANDS[catalogue]


def _cost(price: str) -> Decimal:
    return (Decimal(price) * Decimal("0.62")).quantize(Decimal("0.01"))


def create_parts_demo(*, rng: random.Random, org: dict, today: dt.date) -> dict[str, int]:
    admin = org["admin"]
    clerk = org["users"].get("parts", admin)
    parts: dict[str, dict] = {}
    for catalogue, rows in CATALOGUES.items():
        parts[catalogue] = {}
        for number, name, category, unit, price, wear, eligible, usual, reorder in rows:
            part = part_create(user=admin, data={
                "number": number, "name": name, "category": category, "unit": unit, "brand": _brand(catalogue, number),
                "sale_price": price, "cost_price": _cost(price), "is_wear_part": wear, "warranty_eligible": eligible})
            parts[catalogue][number] = (part, usual, reorder)
    receipts = empty = 0
    row_ids = []
    for code, (catalogue, prefix, share) in STOCKED.items():
        point = org["points"].get(code)
        if point is None:
            continue
        user = clerk if code == "SH-PD-4S" else admin
        for index, (part, usual, reorder) in enumerate(parts[catalogue].values(), start=1):
            row = stock_open(user=user, data={
                "part_id": part.pk, "service_point_id": point.pk, "reorder_point": max(1, round(reorder * share)),
                "bin_location": f"{prefix}-{(index - 1) // 6 + 1:02d}-{(index - 1) % 6 + 1:02d}"})
            row_ids.append(row.pk)
            roll = rng.random()
            if roll < 0.08:
                empty += 1
                continue  # never arrived yet, or sold out
            quantity = max(1, round(usual * share * (rng.uniform(0.2, 0.5) if roll < 0.25 else rng.uniform(0.8, 1.4))))
            delivery = f"{SUPPLIERS[catalogue]}-{(today - dt.timedelta(days=rng.randrange(3, 40))):%Y%m%d}-" \
                       f"{rng.randrange(1000, 9999)}"
            stock_receipt(user=user, pk=row.pk, quantity=quantity, unit_cost=part.cost_price, delivery_note=delivery)
            receipts += 1
            if rng.random() < 0.1 and quantity > 1:
                stock_count(user=user, pk=row.pk, counted=quantity - 1, reason="月度盘点：盘亏 1",
                            reference=f"PD-{today:%Y%m}")
    low = sum(row.below_reorder for row in Stock.objects.filter(pk__in=row_ids))
    return {"parts": sum(len(p) for p in parts.values()), "stock rows": len(row_ids), "goods receipts": receipts,
            "stock rows to reorder": low, "empty stock rows": empty}
