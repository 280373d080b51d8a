"""Demo warranty exclusions (保修除外条款): the defaults and a few rules of the demo brands."""

from __future__ import annotations

import datetime as dt
import random

from aftersales.warranty.services import exclusion_create, exclusion_defaults_install

EXTRA = [
    {"kind": "part_category", "value": "tyre", "note": "轮胎由轮胎厂商单独保修，请联系轮胎品牌服务。"},
    {"kind": "cause", "value": "wear", "note": "正常磨损不属于质量问题。"},
    {"kind": "hour_limit", "value": "4", "brand": "格力", "effect": "needs_approval",
     "note": "网点单次维修工时超过 4 小时，须报厂家技术支持审批。"},
    {"kind": "part_category", "value": "glass", "brand": "一汽丰田", "effect": "needs_approval",
     "applies_to": "contract", "note": "合同服务的玻璃更换须经保险或厂家确认。"},
]


def create_warranty_demo(*, rng: random.Random, org: dict, today: dt.date) -> dict[str, int]:
    admin = org["admin"]
    added = exclusion_defaults_install(user=admin)
    for spec in EXTRA:
        exclusion_create(user=admin, data=spec)
    return {"warranty exclusions": added + len(EXTRA)}
