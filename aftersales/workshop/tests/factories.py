"""Shared test factories of the workshop (used by every workshop engineer's tests: keep them stable).

Rows are written straight to the tables for speed, in a coherent state: an order "at" a status has
the lines and approvals that status implies. Tests of the services themselves go through the
services (``order_through`` drives an order along the real transitions).

    org = factories.org()                                   # HQ → East → A, B; West → C (labour rate 100/h)
    advisor = factories.staff(org["a"], "service_advisor")  # any default role code of accounts/roles.py
    owner = factories.customer(org["a"])
    car = factories.vehicle(owner, mileage=12000)
    oil = factories.part_in_stock(org["a"], on_hand=5, price="80.00")
    job = factories.operation(hours="1.50")
    order = factories.work_order(org["a"], status="approved", asset=car, advisor=advisor)
    factories.line(order, kind="part", part=oil, quantity=2)
"""

from __future__ import annotations

import datetime as dt
import itertools
import secrets
from decimal import Decimal

from django.utils import timezone

from aftersales.accounts.models import ServicePoint, User
from aftersales.assets.choices import AssetKind, CoverageKind
from aftersales.assets.models import Asset, Coverage, MeterReading, Ownership
from aftersales.assets.vin import with_check_digit
from aftersales.core.choices import PayType, ServiceType
from aftersales.core.money import to_money
from aftersales.core.testing import make_org, make_user
from aftersales.customers.models import Customer, CustomerPhone
from aftersales.customers.pinyin import name_search_keys
from aftersales.parts.models import Part, Stock

from ..choices import ApprovalKind, ApprovalMethod, ApprovalStatus, LineKind, LineStatus, WorkOrderStatus
from ..models import Approval, LabourOperation, WorkOrder, WorkOrderLine
from ..services.totals import order_recompute_totals

S = WorkOrderStatus
_counter = itertools.count(1)
LABOUR_RATE = Decimal("100.00")

# Statuses in the order an order passes them (cancelled aside).
FLOW = [S.RECEPTION, S.AWAITING_APPROVAL, S.APPROVED, S.IN_REPAIR, S.QUALITY_CHECK, S.READY_FOR_SETTLEMENT,
        S.SETTLED, S.DELIVERED]


def _n() -> int:
    return next(_counter)


# ---- organisation and people --------------------------------------------------------------------

def org(*, labour_rate: Decimal | str = LABOUR_RATE) -> dict[str, ServicePoint]:
    """``core.testing.make_org`` with a labour rate and a phone at the three points A, B, C."""
    points = make_org()
    for key in ("a", "b", "c"):
        point = points[key]
        point.labour_rate = Decimal(labour_rate)
        point.phone = f"0215898{_n():04d}"
        point.save(update_fields=["labour_rate", "phone"])
    return points


def staff(point: ServicePoint, role: str = "service_advisor", username: str | None = None, **fields) -> User:
    """A user holding a default role (``service_advisor``, ``technician``, ``cashier``, …) at ``point``."""
    user = make_user(username or f"{role}-{_n()}", point=point, role=role)
    if fields:
        for name, value in fields.items():
            setattr(user, name, value)
        user.save(update_fields=list(fields))
    return user


# ---- customers and assets -----------------------------------------------------------------------

def customer(point: ServicePoint, name: str = "张三", phone: str | None = "13800138000", **fields) -> Customer:
    pinyin, initials = name_search_keys(name)
    obj = Customer.objects.create(home_point=point, name=name, name_pinyin=pinyin, name_initials=initials, **fields)
    if phone:
        CustomerPhone.objects.create(customer=obj, number=phone, is_primary=True)
    return obj


def new_vin() -> str:
    return with_check_digit(f"LSVAU2180N{_n() + 200000:07d}"[:17])


def vehicle(owner: Customer, *, point: ServicePoint | None = None, mileage: int | None = None,
            read_on: dt.date | None = None, plate: str | None = None, **extra) -> Asset:
    """A vehicle of ``owner`` (valid VIN, plate), with a first meter reading when ``mileage`` is given."""
    extra.setdefault("sale_date", dt.date(2023, 3, 1))
    asset = Asset.objects.create(kind=AssetKind.VEHICLE, owner=owner, service_point=point or owner.home_point,
                                 brand=extra.pop("brand", "上汽大众"), model=extra.pop("model", "朗逸"),
                                 vin=extra.pop("vin", None) or new_vin(),
                                 plate=plate if plate is not None else f"沪A{_n() % 100000:05d}", **extra)
    Ownership.objects.create(asset=asset, customer=owner, started_on=extra["sale_date"])
    if mileage is not None:
        MeterReading.objects.create(asset=asset, read_on=read_on or timezone.localdate() - dt.timedelta(days=30),
                                    value=mileage, source="service")
    return asset


def product(owner: Customer, *, point: ServicePoint | None = None, **extra) -> Asset:
    return Asset.objects.create(kind=AssetKind.PRODUCT, owner=owner, service_point=point or owner.home_point,
                                brand=extra.pop("brand", "格力"), model=extra.pop("model", "KFR-35GW"),
                                serial_number=extra.pop("serial_number", f"SN{_n():08d}"), meter_unit="h", **extra)


def customer_with_vehicle(point: ServicePoint, *, mileage: int | None = 10000, name: str = "张三",
                          **vehicle_fields) -> tuple[Customer, Asset]:
    owner = customer(point, name=name)
    return owner, vehicle(owner, mileage=mileage, **vehicle_fields)


def coverage(asset: Asset, *, kind: str = CoverageKind.BASE_WARRANTY, starts_on: dt.date | None = None,
             ends_on: dt.date | None = None, distance_limit: int | None = 100000, **extra) -> Coverage:
    today = timezone.localdate()
    return Coverage.objects.create(asset=asset, kind=kind, starts_on=starts_on or today - dt.timedelta(days=365),
                                   ends_on=ends_on or today + dt.timedelta(days=365 * 2),
                                   distance_limit=distance_limit, **extra)


# ---- catalogues ---------------------------------------------------------------------------------

def part(number: str | None = None, *, name: str = "机油滤清器", price: Decimal | str = "80.00", **extra) -> Part:
    return Part.objects.create(number=number or f"P-{_n():06d}", name=name, sale_price=Decimal(str(price)),
                               cost_price=extra.pop("cost_price", Decimal(str(price)) / 2), **extra)


def stock(part_: Part, point: ServicePoint, *, on_hand: Decimal | str | int = 10,
          reserved: Decimal | str | int = 0) -> Stock:
    row, _created = Stock.objects.update_or_create(
        part=part_, service_point=point, defaults={"on_hand": Decimal(str(on_hand)), "reserved": Decimal(str(reserved))})
    return row


def part_in_stock(point: ServicePoint, *, on_hand: Decimal | str | int = 10, **part_fields) -> Part:
    obj = part(**part_fields)
    stock(obj, point, on_hand=on_hand)
    return obj


def operation(code: str | None = None, *, name: str = "更换机油及机滤", hours: Decimal | str = "1.00",
              **extra) -> LabourOperation:
    return LabourOperation.objects.create(code=code or f"OP{_n():05d}", name=name,
                                          standard_hours=Decimal(str(hours)), **extra)


# ---- work orders --------------------------------------------------------------------------------

def _past(status: str, target: str) -> bool:
    """Whether an order at ``status`` has got past ``target`` on its way (cancelled counts as reception)."""
    if status == S.CANCELLED:
        return False
    return FLOW.index(status) > FLOW.index(target)


def work_order(point: ServicePoint, *, status: str = S.RECEPTION, customer: Customer | None = None,
               asset: Asset | None = None, advisor: User | None = None, lines: list[dict] | None = None,
               **fields) -> WorkOrder:
    """An order at ``point`` in ``status``.

    ``lines``: dicts of ``line()`` keyword arguments. By default an order beyond reception gets one
    labour line (1 h at the labour rate, pay type A) and an estimate approval in the matching state
    (pending while awaiting approval, approved afterwards; the line approved with it); a reception or
    cancelled order gets none. Pass ``lines=[]`` for an order without lines.
    """
    if asset is None:
        owner = customer or globals()["customer"](point)
        asset = vehicle(owner)
    owner = customer or asset.owner
    now = timezone.now()
    n = _n()
    values = {
        "number": f"WO{point.code}F{n:06d}", "service_point": point, "customer": owner, "asset": asset,
        "advisor": advisor, "service_type": ServiceType.REPAIR, "opened_at": now, "labour_rate": point.labour_rate,
        "mileage_in": 12000 if asset.kind == AssetKind.VEHICLE else None, "fuel_level": 50,
        "concerns": "发动机异响", "status_token": secrets.token_urlsafe(24), "created_by": advisor,
        "promised_at": now + dt.timedelta(hours=4),
    }
    values.update(fields)
    if status in (S.SETTLED, S.DELIVERED):
        values.setdefault("settled_at", now)
    if status == S.DELIVERED:
        values.setdefault("delivered_at", now)
    if status == S.CANCELLED:
        values.setdefault("cancelled_at", now)
        values.setdefault("cancel_reason", "客户取消")
    order = WorkOrder.objects.create(status=status, **values)
    if lines is None:
        lines = [] if status in (S.RECEPTION, S.CANCELLED) else [{"kind": LineKind.LABOUR}]
    if lines and status not in (S.RECEPTION, S.CANCELLED):
        decided = _past(status, S.AWAITING_APPROVAL)
        estimate = approval(order, status=ApprovalStatus.APPROVED if decided else ApprovalStatus.PENDING)
        for spec in lines:
            spec = {"status": LineStatus.APPROVED if decided else LineStatus.PROPOSED, "approval": estimate, **spec}
            line(order, recompute=False, **spec)
        estimate.amount = sum((ln.amount for ln in order.lines.filter(pay_type=PayType.CUSTOMER)), Decimal("0.00"))
        estimate.save(update_fields=["amount"])
    else:
        for spec in lines:
            line(order, recompute=False, **spec)
    order_recompute_totals(order)
    return order


def line(order: WorkOrder, *, kind: str = LineKind.LABOUR, quantity: Decimal | str | int | None = None,
         unit_price: Decimal | str | None = None, pay_type: str = PayType.CUSTOMER, status: str = LineStatus.PROPOSED,
         part: Part | None = None, operation: LabourOperation | None = None, description: str | None = None,
         recompute: bool = True, **fields) -> WorkOrderLine:
    """A line of ``order``; the amount is quantity × unit price, the totals are recomputed.

    Defaults: labour 1 h at the order's labour rate; a part line 1 × the part's sale price (a part
    is made when none is given).
    """
    if kind == LineKind.PART and part is None:
        part = globals()["part"]()
    if quantity is None:
        quantity = operation.standard_hours if operation is not None else Decimal("1.00")
    if unit_price is None:
        if kind == LineKind.LABOUR:
            unit_price = order.labour_rate
        elif part is not None:
            unit_price = part.sale_price
        else:
            unit_price = Decimal("100.00")
    quantity, unit_price = Decimal(str(quantity)), Decimal(str(unit_price))
    if description is None:
        description = (operation.name if operation else part.name if part else
                       {"labour": "检查发动机异响", "sublet": "外协四轮定位", "other": "环保处理费"}.get(kind, kind))
    sequence = (order.lines.order_by("-sequence").values_list("sequence", flat=True).first() or 0) + 1
    obj = WorkOrderLine.objects.create(
        work_order=order, sequence=sequence, kind=kind, part=part, operation=operation, description=description,
        quantity=quantity, unit_price=unit_price, amount=to_money(quantity * unit_price), pay_type=pay_type,
        status=status, job_status="waiting" if kind == LineKind.LABOUR and status == LineStatus.APPROVED else "",
        **fields)
    if recompute:
        order_recompute_totals(order)
    return obj


def order_through(point: ServicePoint, *, user: User, to: str = S.APPROVED, asset: Asset | None = None,
                  lines: list[dict] | None = None, mileage: int | None = None) -> WorkOrder:
    """An order taken to ``to`` (reception, awaiting approval, approved or cancelled) through the real
    services: check-in by ``user`` (an advisor of ``point``), the lines (``line_add`` data; default one
    labour line of 1 h), the estimate put and approved by phone. Stock is reserved as in real life."""
    from ..services.approvals import approval_decide, estimate_submit
    from ..services.orders import work_order_cancel, work_order_open

    asset = asset or customer_with_vehicle(point, mileage=None)[1]
    last = asset.readings.order_by("-read_on", "-id").values_list("value", flat=True).first() or 0
    specs = lines if lines is not None else [{"kind": "labour", "description": "检查", "quantity": "1",
                                              "unit_price": str(point.labour_rate)}]
    order = work_order_open(user=user, data={"service_point_id": point.pk, "asset_id": asset.pk,
                                             "service_type": ServiceType.REPAIR,
                                             "mileage": mileage if mileage is not None else last + 500,
                                             "lines": specs})
    if to == S.CANCELLED:
        return work_order_cancel(user=user, order_id=order.pk, reason="测试取消")
    if to != S.RECEPTION:
        done = estimate_submit(user=user, order_id=order.pk)
        if to == S.APPROVED:
            approval_decide(user=user, order_id=order.pk, approval_id=done.approval.pk,
                            data={"decision": "approve", "method": "phone", "note": "电话同意"})
    order.refresh_from_db()
    if order.status != to:
        raise ValueError(f"order_through cannot reach {to}")
    return order


def approval(order: WorkOrder, *, kind: str = ApprovalKind.ESTIMATE, status: str = ApprovalStatus.PENDING,
             **fields) -> Approval:
    sequence = (order.approvals.order_by("-sequence").values_list("sequence", flat=True).first() or 0) + 1
    if status == ApprovalStatus.APPROVED:
        fields.setdefault("method", ApprovalMethod.PHONE)
        fields.setdefault("approver_name", order.customer.name)
        fields.setdefault("decided_at", timezone.now())
    return Approval.objects.create(work_order=order, kind=kind, sequence=sequence, status=status, **fields)


# ---- images -------------------------------------------------------------------------------------

def png_bytes(width: int = 300, height: int = 100, *, drawn: bool = True, mode: str = "RGBA") -> bytes:
    """A PNG like the on-screen signature pad makes: a dark stroke on a transparent canvas."""
    import io

    from PIL import Image, ImageDraw

    image = Image.new(mode, (width, height), (0, 0, 0, 0) if mode == "RGBA" else "white")
    if drawn:
        ImageDraw.Draw(image).line([(10, height - 20), (width // 2, 15), (width - 10, height - 30)],
                                   fill="black" if mode != "RGBA" else (20, 20, 20, 255), width=4)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def signature(*, drawn: bool = True) -> str:
    """A signature as the pad sends it: a PNG data URL."""
    import base64

    return "data:image/png;base64," + base64.b64encode(png_bytes(drawn=drawn)).decode()


def jpeg_upload(name: str = "damage.jpg", width: int = 64, height: int = 48):
    """An uploaded JPEG photo (for the photo endpoints and forms)."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")
