"""Accident work orders with an insured vehicle, and claims at any state, for the insurance tests.

Orders are written with the ORM in a coherent state (the work-order services belong to other
tests); claims are carried along their states through the real ``insurance_claim_transition``.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import secrets
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from aftersales.accounts.models import ServicePoint
from aftersales.assets.choices import AssetKind, CoverageKind
from aftersales.assets.models import Asset, Coverage, Ownership
from aftersales.assets.vin import with_check_digit
from aftersales.core.choices import PayType, ServiceType
from aftersales.core.money import to_money
from aftersales.customers.models import Customer
from aftersales.workshop.choices import LineKind, LineStatus, WorkOrderStatus
from aftersales.workshop.models import WorkOrder, WorkOrderLine
from aftersales.workshop.services.totals import order_recompute_totals

from ..choices import CLAIM_FLOW, ClaimStatus, DocumentCode, DocumentStage
from ..models import InsuranceClaim
from ..services import insurance_claim_create, insurance_claim_document_update, insurance_claim_transition

_n = itertools.count(1)
INSURER = "中国人民财产保险"
STEP_DATA = {
    "report": {"report_number": "RDAA2026310000001"},
    "assess": {"assessor_name": "王定损", "assessed_amount": "4000.00", "deductible": "500.00"},
    "documents_complete": {},
    "repaired_settled": {},
    "submit": {"claim_number": "CLM2026000001"},
    "pay": {"paid_amount": "3500.00"},
}


def insured_vehicle(point: ServicePoint, *, name: str = "张三", starts_on: dt.date | None = None,
                    ends_on: dt.date | None = None) -> tuple[Asset, Coverage]:
    n = next(_n)
    owner = Customer.objects.create(name=name, home_point=point)
    asset = Asset.objects.create(kind=AssetKind.VEHICLE, owner=owner, service_point=point, brand="上汽大众",
                                 model="帕萨特", vin=with_check_digit(f"LSVAU2180N{n + 300000:07d}"[:17]),
                                 plate=f"沪B{n % 100000:05d}")
    Ownership.objects.create(asset=asset, customer=owner, started_on=dt.date(2023, 1, 1))
    today = timezone.localdate()
    policy = Coverage.objects.create(asset=asset, kind=CoverageKind.INSURANCE,
                                     starts_on=starts_on or today - dt.timedelta(days=100),
                                     ends_on=ends_on or today + dt.timedelta(days=265), provider=INSURER,
                                     policy_number=f"PDAA2026{n:09d}")
    return asset, policy


def accident_order(point: ServicePoint, *, amount: str | Decimal = "5000.00", status: str = WorkOrderStatus.IN_REPAIR,
                   asset: Asset | None = None, service_type: str = ServiceType.ACCIDENT) -> WorkOrder:
    """An order of ``point`` with one approved customer-paid body-work line of ``amount``."""
    if asset is None:
        asset, _policy = insured_vehicle(point)
    n = next(_n)
    order = WorkOrder.objects.create(
        number=f"WO-INS-{point.code}-{n:05d}", service_point=point, customer=asset.owner, asset=asset,
        service_type=service_type, status=status, opened_at=timezone.now() - dt.timedelta(hours=2),
        mileage_in=20000, status_token=secrets.token_urlsafe(24), labour_rate=Decimal("100.00"))
    if Decimal(str(amount)) > 0:
        add_line(order, amount)
    order_recompute_totals(order)
    return order


def add_line(order: WorkOrder, amount: str | Decimal, *, pay_type: str = PayType.CUSTOMER) -> WorkOrderLine:
    sequence = order.lines.count() + 1
    line = WorkOrderLine.objects.create(
        work_order=order, sequence=sequence, kind=LineKind.OTHER, description="钣金喷漆 前保险杠",
        quantity=Decimal("1.00"), unit_price=to_money(amount), amount=to_money(amount), pay_type=pay_type,
        status=LineStatus.APPROVED)
    order.refresh_from_db()  # the services recompute a freshly locked row, never a stale copy
    order_recompute_totals(order)
    return line


def set_order_status(order: WorkOrder, status: str) -> WorkOrder:
    WorkOrder.objects.filter(pk=order.pk).update(status=status)
    order.refresh_from_db()
    return order


def start_claim(user, order: WorkOrder, **data) -> InsuranceClaim:
    payload = {"work_order_id": order.pk, "accident_date": timezone.localdate() - dt.timedelta(days=1),
               "accident_place": "上海市浦东新区川沙路", "accident_description": "追尾，前保险杠受损", **data}
    return insurance_claim_create(user=user, data=payload)


def receive_documents(user, claim: InsuranceClaim, stage: str = DocumentStage.DOCUMENTS) -> None:
    for doc in claim.documents.all():
        if doc.stage == stage and doc.required and not doc.received:
            insurance_claim_document_update(user=user, pk=claim.pk, code=doc.code, data={"received": True})


def claim_at(user, order: WorkOrder, status: str, **overrides) -> InsuranceClaim:
    """A claim of ``order`` carried through the real steps up to ``status`` (settling the order on the way)."""
    claim = start_claim(user, order)
    if status in (ClaimStatus.REJECTED, ClaimStatus.WITHDRAWN):
        return insurance_claim_transition(user=user, claim=claim.pk, to=status, note="客户放弃")
    names = ["report", "assess", "documents_complete", "repaired_settled", "submit", "pay"]
    for name, target in zip(names, CLAIM_FLOW[1:], strict=True):
        if CLAIM_FLOW.index(target) > CLAIM_FLOW.index(status):
            break
        if name == "documents_complete":
            receive_documents(user, claim)
        if name == "repaired_settled":
            set_order_status(order, WorkOrderStatus.SETTLED)
        if name == "submit":
            receive_documents(user, claim, DocumentStage.SUBMISSION)
        claim = insurance_claim_transition(user=user, claim=claim.pk, name=name,
                                           data={**STEP_DATA[name], **overrides.get(name, {})})
    return InsuranceClaim.objects.get(pk=claim.pk)


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def png_upload(name: str = "id.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def pdf_upload(name: str = "policy.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", content_type="application/pdf")


DOCUMENT_CODES = DocumentCode.values
