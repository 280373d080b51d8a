"""Demo accident repair with an insurance claim in progress (代理理赔).

At the Shanghai store a demo vehicle whose insurance policy is in force came in after a rear-end
collision two days ago: the advisor opened an accident work order (body work, paint, parts), the
claims clerk started the claim, reported it to the insurer, recorded the joint damage assessment
(so the insurer's share is on the order) and has received most of the owner's documents; the
accident certificate and the owner's authorisation are still missing. Everything goes through the
services, as the staff would do it.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from aftersales.assets.choices import CoverageKind
from aftersales.assets.models import Coverage, MeterReading
from aftersales.core.money import to_money
from aftersales.insurance.choices import DocumentCode
from aftersales.insurance.services import (
    insurance_claim_create,
    insurance_claim_document_update,
    insurance_claim_transition,
)
from aftersales.workshop.services.orders import work_order_open

POINT = "SH-PD-4S"
LINES = [
    {"kind": "labour", "description": "前保险杠拆装及校正", "quantity": "2.50", "unit_price": "180.00", "cause": "accident"},
    {"kind": "labour", "description": "前保险杠、左前翼子板喷漆", "quantity": "4.00", "unit_price": "180.00",
     "cause": "accident"},
    {"kind": "other", "description": "油漆辅料", "quantity": "1", "unit_price": "680.00", "cause": "accident"},
    {"kind": "sublet", "description": "外协四轮定位", "quantity": "1", "unit_price": "260.00", "cause": "accident"},
]
RECEIVED = (DocumentCode.DRIVING_LICENCE, DocumentCode.VEHICLE_LICENCE, DocumentCode.ID_CARD,
            DocumentCode.POLICY_COPY)


def _insured_vehicle(rng: random.Random, point, accident_date: dt.date) -> Coverage | None:
    policies = list(Coverage.objects.filter(
        kind=CoverageKind.INSURANCE, asset__service_point=point, asset__kind="vehicle", asset__is_active=True,
        starts_on__lte=accident_date, ends_on__gte=accident_date).select_related("asset").order_by("id")[:30])
    return rng.choice(policies) if policies else None


def create_insurance_demo(*, rng: random.Random, org: dict, today: dt.date) -> dict[str, int]:
    point = org["points"][POINT]
    advisor, clerk = org["users"]["advisor"], org["users"]["claims"]
    today = min(today, timezone.localdate())  # the order is opened now: the accident cannot be later
    accident_date = today - dt.timedelta(days=2)
    policy = _insured_vehicle(rng, point, accident_date)
    if policy is None:
        return {"accident work orders": 0, "insurance claims": 0}
    asset = policy.asset
    last = MeterReading.objects.filter(asset=asset).order_by("-read_on", "-id").values_list("value", flat=True).first()
    order = work_order_open(user=advisor, data={
        "service_point_id": point.pk, "asset_id": asset.pk, "service_type": "accident",
        "mileage": (last or 0) + rng.randint(200, 1500), "fuel_level": rng.choice([25, 50, 75]),
        "concerns": "前天在川沙路等红灯时被后车追尾后又撞上前车，前保险杠开裂，左前翼子板凹陷。",
        "diagnosis": "前保险杠及支架开裂，左前翼子板凹陷，需钣金喷漆；碰撞后需做四轮定位。",
        "damages": [{"area": "front_bumper", "kind": "crack", "description": "事故损伤"},
                    {"area": "left_front_wing", "kind": "dent", "description": "事故损伤"}],
        "lines": LINES,
    })
    claim = insurance_claim_create(user=clerk, data={
        "work_order_id": order.pk, "coverage_id": policy.pk, "accident_date": accident_date,
        "accident_place": "上海市浦东新区川沙路与华夏东路路口",
        "accident_description": "等红灯时被后车追尾，车辆被推撞前车；交警现场处理，对方全责待认定。",
    })
    prefix = (policy.policy_number[:4] or "RDAA").upper()
    insurance_claim_transition(user=clerk, claim=claim.pk, name="report", note="车主现场电话报案", data={
        "report_number": f"R{prefix}{accident_date:%Y%m%d}{rng.randrange(10**6, 10**7)}",
        "reported_by": order.customer.name[:100],
        "reported_at": timezone.make_aware(dt.datetime.combine(accident_date, dt.time(18, 40))),
    })
    due = order.amount_due
    assessed = to_money(due * Decimal(rng.choice(["0.92", "0.95", "0.97"])))
    insurance_claim_transition(user=clerk, claim=claim.pk, name="assess", note="与保险公司查勘员共同定损", data={
        "assessor_name": "周定损", "assessed_on": today - dt.timedelta(days=1), "assessed_amount": assessed,
        "deductible": Decimal("0.00"), "assessment_notes": "辅料按定损单核减；四轮定位认可。",
    })
    for code in RECEIVED:
        insurance_claim_document_update(user=clerk, pk=claim.pk, code=code, data={"received": True, "received_on": today})
    return {"accident work orders": 1, "insurance claims": 1}
