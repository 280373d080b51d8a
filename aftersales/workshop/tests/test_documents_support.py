"""A fully worked order for the document and status-page tests (helpers only: no tests here).

The order has every pay type, a signed estimate, a supplement, existing damage, two technicians'
clocked time, a failed and a passed quality check, two payments and the cashier's settle event,
and a customer with a phone, an ID number and an address that the public page must never show.
"""

from __future__ import annotations

import base64
import datetime as dt
import itertools
from decimal import Decimal
from io import BytesIO

from django.utils import timezone
from PIL import Image, ImageDraw

from aftersales.customers.models import CustomerAddress

from ..choices import (
    ApprovalKind,
    ApprovalMethod,
    ApprovalStatus,
    DamageArea,
    DamageKind,
    JobStatus,
    LineKind,
    OldParts,
    Payer,
    PaymentMethod,
    StockState,
    WorkOrderStatus,
)
from ..models import JobAssignment, OldPart, Payment, QcInspection, TimeEntry, WorkOrderDamage, WorkOrderEvent
from ..services.totals import order_recompute_totals
from . import factories as f

S = WorkOrderStatus
CUSTOMER_NAME = "欧阳娜娜"
CUSTOMER_PHONE = "13912345678"
CUSTOMER_ID = "11010519491231002X"
CUSTOMER_STREET = "张江高科技园区碧波路690号"
PLATE = "沪A12323"
_numbers = itertools.count(1)


def signature_png() -> str:
    """A small PNG data URL with a stroke on it, as the signature pad sends."""
    image = Image.new("RGB", (240, 80), "white")
    ImageDraw.Draw(image).line([(10, 60), (80, 20), (150, 60), (230, 15)], fill="black", width=4)
    buffer = BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def rich_order(point, *, status: str = S.SETTLED, advisor=None, technicians=(), inspector=None, cashier=None,
               extra_lines: int = 0):
    """A worked order at ``point``; ``technicians`` (up to two) clock time, ``inspector`` checks it,
    ``cashier`` takes the payments (and settles when ``status`` is settled or delivered)."""
    owner = f.customer(point, name=CUSTOMER_NAME, phone=CUSTOMER_PHONE, id_number=CUSTOMER_ID)
    CustomerAddress.objects.create(customer=owner, province="上海市", city="上海市", district="浦东新区",
                                   street=CUSTOMER_STREET, is_primary=True)
    car = f.vehicle(owner, mileage=35000, plate=PLATE, colour="珍珠白")
    oil_change = f.operation(name="更换机油", hours="1.20")
    oil = f.part_in_stock(point, on_hand=20, name="全合成机油", price="68.00", number=f"OIL0W20-{next(_numbers):04d}")
    specs = [
        {"kind": LineKind.LABOUR, "operation": oil_change, "description": "更换机油"},
        {"kind": LineKind.PART, "part": oil, "quantity": 4, "stock_state": StockState.ISSUED,
         "issued_quantity": Decimal("4")},
        {"kind": LineKind.LABOUR, "description": "检查制动系统", "pay_type": "C", "quantity": "0.50"},
        {"kind": LineKind.OTHER, "description": "环保处理费", "quantity": 1, "unit_price": "20.00"},
        {"kind": LineKind.SUBLET, "description": "外协四轮定位", "pay_type": "B", "unit_price": "150.00"},
        {"kind": LineKind.LABOUR, "description": "内部车辆检测", "pay_type": "D", "quantity": "0.30"},
    ]
    specs += [{"kind": LineKind.LABOUR, "description": f"附加检查项目{i + 1}", "quantity": "0.10"}
              for i in range(extra_lines)]
    order = f.work_order(point, status=status, asset=car, advisor=advisor, lines=specs, mileage_in=35120,
                         fuel_level=40, valuables="行车记录仪一台", concerns="发动机启动时有异响",
                         diagnosis="机油老化，需更换")
    estimate = order.approvals.filter(kind=ApprovalKind.ESTIMATE).first()
    if estimate is not None and estimate.status == ApprovalStatus.APPROVED:
        estimate.method = ApprovalMethod.SIGNATURE
        estimate.approver_name = CUSTOMER_NAME
        estimate.signature = signature_png()
        estimate.save(update_fields=["method", "approver_name", "signature"])
    WorkOrderDamage.objects.create(work_order=order, area=DamageArea.FRONT_BUMPER, kind=DamageKind.SCRATCH,
                                   description="左前角划痕约5厘米")
    started = timezone.now() - dt.timedelta(hours=3)
    labour = order.lines.filter(kind=LineKind.LABOUR).order_by("sequence").first()
    if status not in (S.RECEPTION, S.AWAITING_APPROVAL, S.APPROVED, S.CANCELLED):
        labour.job_status = JobStatus.DONE
        labour.done_at = started + dt.timedelta(hours=2)
        labour.save(update_fields=["job_status", "done_at"])
        for i, tech in enumerate(technicians[:2]):
            JobAssignment.objects.create(line=labour, technician=tech, service_point=point)
            # the first works 45 + 30 minutes (a pause between), the second one hour
            stretches = [(0, 45), (60, 90)] if i == 0 else [(0, 60)]
            for start, end in stretches:
                TimeEntry.objects.create(line=labour, technician=tech, started_at=started + dt.timedelta(minutes=start),
                                         ended_at=started + dt.timedelta(minutes=end), seconds=(end - start) * 60,
                                         end_reason="pause")
        part_line = order.lines.get(kind=LineKind.PART)
        OldPart.objects.create(work_order=order, line=part_line, disposition=OldParts.RETURNED)
    if inspector is not None and status in (S.READY_FOR_SETTLEMENT, S.SETTLED, S.DELIVERED):
        QcInspection.objects.create(work_order=order, inspector=inspector, passed=False, reasons="机油液位偏低",
                                    results=[{"item": "机油液位", "ok": False, "note": "偏低"}])
        QcInspection.objects.create(work_order=order, inspector=inspector, passed=True, rework_round=1,
                                    results=[{"item": "机油液位", "ok": True, "note": ""},
                                             {"item": "路试", "ok": True, "note": ""}])
        order.rework_count = 1
        order.save(update_fields=["rework_count"])
    if cashier is not None and status in (S.SETTLED, S.DELIVERED):
        order.discount_amount = Decimal("10.00")
        order.save(update_fields=["discount_amount"])
        order_recompute_totals(order)
        Payment.objects.create(work_order=order, method=PaymentMethod.WECHAT, amount=Decimal("200.00"),
                               reference="WX20261201001", received_by=cashier)
        Payment.objects.create(work_order=order, method=PaymentMethod.CASH, amount=Decimal("50.00"),
                               received_by=cashier, payer=Payer.CUSTOMER)
        WorkOrderEvent.objects.create(work_order=order, kind="settle", from_status=S.READY_FOR_SETTLEMENT,
                                      to_status=S.SETTLED, actor=cashier)
    order_recompute_totals(order)
    order.refresh_from_db()
    return order
