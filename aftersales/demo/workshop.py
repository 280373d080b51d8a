"""Demo labour operation catalogue (工时项目) and a few work orders at the two 4S stores.

The catalogue: common maintenance, diagnosis, brake, electrical, air-conditioning and body jobs
with their standard hours, for every brand, plus a few brand-specific ones. The orders are opened
by each store's advisor through the services, as at the front desk today — walk-in check-ins with
mileage, fuel, damage and lines from the catalogues — and left at different stages: still at
reception, the estimate waiting for the customer (link sent), approved with the signature drawn on
the screen (parts reserved), declined and back at reception, in repair with a supplement waiting,
and cancelled. Needs the archives (vehicles) and the parts demo (stock) to be loaded first.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import random
from decimal import Decimal

from django.utils import timezone

from aftersales.assets.models import Asset
from aftersales.parts.models import Stock
from aftersales.workshop.choices import WarrantyStatus
from aftersales.workshop.models import LabourOperation, WorkOrder, WorkOrderLine
from aftersales.workshop.services.approvals import approval_decide, estimate_submit, supplement_submit
from aftersales.workshop.services.catalogue import labour_operation_create
from aftersales.workshop.services.lines import line_add, line_update
from aftersales.workshop.services.orders import work_order_cancel, work_order_open

# code, name, category, standard hours, brand ("" = every brand)
OPERATIONS = [
    ("PM-OIL", "更换机油及机油滤清器", "maintenance", "0.50", ""),
    ("PM-10K", "常规保养（1万公里）", "maintenance", "1.00", ""),
    ("PM-AIR", "更换空气滤清器", "maintenance", "0.20", ""),
    ("PM-CABIN", "更换空调滤清器", "maintenance", "0.30", ""),
    ("PM-PLUG", "更换火花塞（4缸）", "maintenance", "0.80", ""),
    ("PM-BRAKEFLUID", "更换制动液", "maintenance", "0.80", ""),
    ("PM-WIPER", "更换雨刮片", "maintenance", "0.10", ""),
    ("DG-OBD", "电脑诊断（读取故障码）", "diagnosis", "0.50", ""),
    ("DG-NOISE", "异响检查", "diagnosis", "1.00", ""),
    ("BR-PAD-F", "更换前刹车片", "chassis", "1.00", ""),
    ("BR-PAD-R", "更换后刹车片", "chassis", "1.20", ""),
    ("BR-DISC-F", "更换前刹车盘", "chassis", "1.50", ""),
    ("CH-ALIGN", "四轮定位", "chassis", "1.00", ""),
    ("CH-TYRE", "更换轮胎（每条）", "chassis", "0.30", ""),
    ("EL-BATT", "更换蓄电池", "electrical", "0.30", ""),
    ("EL-ALT", "更换发电机", "electrical", "2.00", ""),
    ("EN-PUMP", "更换水泵", "engine", "3.00", ""),
    ("AC-GAS", "空调系统检漏及加注冷媒", "air_conditioning", "1.00", ""),
    ("AC-CLEAN", "空调管路清洗", "air_conditioning", "0.80", ""),
    ("BD-BUMPER-F", "更换前保险杠", "body", "2.00", ""),
    ("PT-PANEL", "单面喷漆", "paint", "4.00", ""),
    ("VW-DSG-OIL", "更换DSG变速箱油", "transmission", "1.50", "上汽大众"),
    ("VW-TIMING", "更换正时皮带套件", "engine", "4.50", "上汽大众"),
    ("TY-HYBRID", "混合动力系统检测", "diagnosis", "1.50", "一汽丰田"),
    ("TY-CVT-OIL", "更换CVT变速箱油", "transmission", "1.20", "一汽丰田"),
]
# point code → the advisor who receives there, the technician (if the demo has one there)
STORES = {"SH-PD-4S": ("advisor", "technician"), "HZ-XH-4S": ("advisor2", None)}
CONCERNS = ["保养，顺便检查一下刹车", "冷车启动时发动机有异响", "空调不够凉", "仪表盘亮了发动机故障灯",
            "刹车时有吱吱声", "方向盘有点跑偏", "雨刮刮不干净", "更换轮胎，检查四轮定位"]
VALUABLES = ["", "", "行车记录仪", "车内有儿童座椅", "后备箱有高尔夫球包"]
DAMAGE = [("front_bumper", "scratch", "右前角轻微划痕"), ("left_rear_door", "dent", "小凹陷"),
          ("wheels", "scratch", "左前轮毂刮伤"), ("windscreen", "chip", "副驾侧石击点")]


def signature_png(rng: random.Random) -> str:
    """A scribbled signature as the pad sends it (PNG data URL)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (360, 140), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    x, y = 20, 90
    points = [(x, y)]
    for _ in range(14):
        x += rng.randint(12, 26)
        y = max(20, min(120, y + rng.randint(-35, 35)))
        points.append((x, y))
    draw.line(points, fill=(25, 25, 25, 255), width=4, joint="curve")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def _catalogue(admin) -> dict[str, LabourOperation]:
    made = {}
    for code, name, category, hours, brand in OPERATIONS:
        made[code] = labour_operation_create(user=admin, data={
            "code": code, "name": name, "category": category, "standard_hours": Decimal(hours), "brand": brand})
    return made


def _stocked_parts(point) -> list:
    return [s.part for s in Stock.objects.filter(service_point=point, on_hand__gte=4, part__is_active=True)
            .select_related("part").order_by("part__number")]


def _check_in(*, rng, user, asset, point, concerns, damages=()) -> WorkOrder:
    last = asset.readings.order_by("-read_on", "-id").values_list("value", flat=True).first() or 0
    return work_order_open(user=user, data={
        "service_point_id": point.pk, "asset_id": asset.pk, "service_type": "repair" if "异响" in concerns
        else "periodic_maintenance", "mileage": last + rng.randint(300, 2500), "fuel_level": rng.choice([25, 40, 60, 75]),
        "concerns": concerns, "valuables": rng.choice(VALUABLES), "walkaround_notes": "外观检查完毕",
        "promised_at": timezone.now() + dt.timedelta(hours=rng.choice([3, 4, 6, 24])),
        "damages": [{"area": a, "kind": k, "description": d} for a, k, d in damages],
    })


def _lines(*, user, order, ops, parts, rng, with_warranty: bool = False) -> None:
    line_add(user=user, order_id=order.pk, data={"kind": "labour", "operation_id": ops["PM-OIL"].pk})
    line_add(user=user, order_id=order.pk, data={"kind": "labour", "operation_id": ops["DG-OBD"].pk})
    for part in parts[:2]:
        line_add(user=user, order_id=order.pk, data={"kind": "part", "part_id": part.pk,
                                                     "quantity": str(rng.choice([1, 1, 2]))})
    line_add(user=user, order_id=order.pk, data={"kind": "other", "description": "废油环保处理费", "quantity": "1",
                                                 "unit_price": "20.00"})
    if with_warranty:
        line = line_add(user=user, order_id=order.pk, data={"kind": "labour", "operation_id": ops["EN-PUMP"].pk,
                                                            "pay_type": "C", "cause": "fault"})
        if line.warranty_status != WarrantyStatus.COVERED:  # no warranty in force: the customer pays it
            line_update(user=user, order_id=order.pk, line_id=line.pk, data={"pay_type": "A"})


def _store(*, rng, point, advisor, technician, ops, counts) -> None:
    vehicles = list(Asset.objects.filter(service_point=point, kind="vehicle", is_active=True).order_by("id")[:6])
    parts = _stocked_parts(point)
    if len(vehicles) < 6 or len(parts) < 2:
        return
    rng.shuffle(parts)
    orders = []
    # still at reception, lines being written
    order = _check_in(rng=rng, user=advisor, asset=vehicles[0], point=point, concerns=CONCERNS[0],
                      damages=DAMAGE[:2])
    _lines(user=advisor, order=order, ops=ops, parts=parts, rng=rng)
    orders.append(order)
    # the estimate waits for the customer: the link went to the phone
    order = _check_in(rng=rng, user=advisor, asset=vehicles[1], point=point, concerns=CONCERNS[1])
    _lines(user=advisor, order=order, ops=ops, parts=parts, rng=rng, with_warranty=True)
    estimate_submit(user=advisor, order_id=order.pk, send_link=True, note="已电话告知客户")
    orders.append(order)
    # approved in person, signed on the screen (parts reserved)
    order = _check_in(rng=rng, user=advisor, asset=vehicles[2], point=point, concerns=CONCERNS[4],
                      damages=DAMAGE[2:3])
    _lines(user=advisor, order=order, ops=ops, parts=parts, rng=rng)
    done = estimate_submit(user=advisor, order_id=order.pk)
    approval_decide(user=advisor, order_id=order.pk, approval_id=done.approval.pk, data={
        "decision": "approve", "method": "signature", "approver_name": order.customer.name,
        "signature": signature_png(rng)})
    orders.append(order)
    # declined by phone: back at reception with the lines kept
    order = _check_in(rng=rng, user=advisor, asset=vehicles[3], point=point, concerns=CONCERNS[5])
    _lines(user=advisor, order=order, ops=ops, parts=parts, rng=rng)
    done = estimate_submit(user=advisor, order_id=order.pk)
    approval_decide(user=advisor, order_id=order.pk, approval_id=done.approval.pk, data={
        "decision": "decline", "method": "phone", "note": "客户觉得价格偏高，先只做保养"})
    orders.append(order)
    # in repair, with a supplement found under the car waiting for the customer
    if technician is not None:
        from aftersales.workshop.services.jobs import job_assign, work_order_start_repair

        order = _check_in(rng=rng, user=advisor, asset=vehicles[4], point=point, concerns=CONCERNS[6])
        _lines(user=advisor, order=order, ops=ops, parts=parts, rng=rng)
        done = estimate_submit(user=advisor, order_id=order.pk)
        approval_decide(user=advisor, order_id=order.pk, approval_id=done.approval.pk, data={
            "decision": "approve", "method": "phone", "note": "客户电话确认"})
        for line in order.lines.filter(kind="labour"):
            job_assign(user=advisor, order_id=order.pk, line_id=line.pk, technician_ids=[technician.pk])
        work_order_start_repair(user=advisor, order_id=order.pk)
        line_add(user=advisor, order_id=order.pk, data={"kind": "labour", "operation_id": ops["BR-PAD-F"].pk})
        supplement_submit(user=advisor, order_id=order.pk, send_link=True, note="检查发现前刹车片磨损到极限")
        orders.append(order)
    # cancelled before any work
    order = _check_in(rng=rng, user=advisor, asset=vehicles[5], point=point, concerns=CONCERNS[7])
    work_order_cancel(user=advisor, order_id=order.pk, reason="客户临时有事，改天再来")
    orders.append(order)
    counts["work orders"] += len(orders)


def create_workshop_demo(*, rng: random.Random, org: dict, today: dt.date) -> dict[str, int]:
    """The labour catalogue, then the demo work orders of the two 4S stores."""
    ops = _catalogue(org["admin"])
    counts = {"labour operations": len(ops), "work orders": 0}
    for code, (advisor_name, technician_name) in STORES.items():
        point = org["points"].get(code)
        advisor = org["users"].get(advisor_name)
        if point is None or advisor is None:
            continue
        _store(rng=rng, point=point, advisor=advisor, technician=org["users"].get(technician_name or ""),
               ops=ops, counts=counts)
    counts["work order lines"] = WorkOrderLine.objects.filter(work_order__service_point__code__in=STORES).count()
    return counts
