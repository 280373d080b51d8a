"""The API of an order's printed documents, its status link, and the customer's status (no login).

    GET /work-orders/{pk}/documents/{kind}   application/pdf: work-order | repair-card | statement
    GET /work-orders/{pk}/status-link        the absolute status address
    GET /work-orders/{pk}/status-qr          image/png: the QR code of that address
    GET /public/status/{token}               what the customer sees, without authentication
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.http import HttpResponse
from ninja import Field, Query, Router, Schema

from aftersales.core.api import ERRORS, require
from aftersales.core.errors import NotFoundError

from ..documents import Copy, DocumentKind, DocumentLanguage
from ..documents.qr import qr_png, status_url
from ..documents.render import order_document_pdf
from ..selectors import documents as selectors

router = Router(tags=["workshop"])

VIEW = "workshop.view_workorder"
PDF = "application/pdf"
PNG = "image/png"
PRIVATE_HEADERS = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex, nofollow", "Referrer-Policy": "no-referrer"}


def _binary(media_type: str, description: str) -> dict:
    return {"responses": {"200": {"description": description,
                                  "content": {media_type: {"schema": {"type": "string", "format": "binary"}}}}}}


class DocumentOptions(Schema):
    which_copy: Copy = Field(Copy.WORKSHOP, alias="copy", description="`customer`: the customer's copy, in Chinese")
    lang: DocumentLanguage | None = Field(None, description="Print in this language instead of the caller's")


@router.get("/work-orders/{pk}/documents/{kind}", response=ERRORS, summary="Print a document of a work order",
            description="维修委托书 (`work-order`), 修护卡 (`repair-card`) or 结算单 (`statement`) as an A4 PDF. "
            "In the caller's language (`Accept-Language`) unless `lang` says otherwise; the customer's copy "
            "(`copy=customer`) is Chinese. The repair card needs the repair started, the statement a passed "
            "quality check (409 before) and the right to see payments (403).",
            openapi_extra=_binary(PDF, "The document as PDF, fonts embedded"))
def order_document(request, pk: int, kind: DocumentKind, options: Query[DocumentOptions]):
    require(request.user, VIEW)
    document = order_document_pdf(user=request.user, pk=pk, kind=kind.value, copy=options.which_copy.value,
                                  language=options.lang.value if options.lang else None, request=request)
    response = HttpResponse(document.content, content_type=PDF)
    response["Content-Disposition"] = f'inline; filename="{document.filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


class StatusLinkOut(Schema):
    number: str
    url: str


@router.get("/work-orders/{pk}/status-link", response={200: StatusLinkOut, **ERRORS},
            summary="The customer's status link of a work order")
def order_status_link(request, pk: int):
    require(request.user, VIEW)
    order = selectors.document_order_get(user=request.user, pk=pk)
    if not order.status_token:
        raise NotFoundError()
    return {"number": order.number, "url": status_url(order.status_token, request)}


@router.get("/work-orders/{pk}/status-qr", response=ERRORS, summary="QR code of the customer's status link",
            openapi_extra=_binary(PNG, "The QR code as PNG"))
def order_status_qr(request, pk: int):
    require(request.user, VIEW)
    order = selectors.document_order_get(user=request.user, pk=pk)
    if not order.status_token:
        raise NotFoundError()
    response = HttpResponse(qr_png(status_url(order.status_token, request)), content_type=PNG)
    response["Cache-Control"] = "private, no-store"
    return response


class PublicStageOut(Schema):
    status: str
    label: str
    done: bool
    current: bool
    at: datetime | None = None


class PublicVehicleOut(Schema):
    kind: str
    brand: str
    model: str
    plate: str


class PublicMoneyOut(Schema):
    amount_due: Decimal
    insurer_amount: Decimal
    paid: Decimal
    balance: Decimal


class PublicStatusOut(Schema):
    number: str
    status: str
    status_label: str
    cancelled: bool
    cancelled_at: datetime | None = None
    point_name: str
    point_phone: str
    vehicle: PublicVehicleOut
    opened_at: datetime
    promised_at: datetime | None = None
    stages: list[PublicStageOut]
    progress: int
    awaiting_approval: bool
    settled: bool
    money: PublicMoneyOut | None = None
    settled_at: datetime | None = None
    delivered_at: datetime | None = None
    next_service_date: date | None = None
    next_service_mileage: int | None = None


@router.get("/public/status/{token}", auth=None, response={200: PublicStatusOut, 404: ERRORS[404]},
            summary="The status of a work order, for the customer (no login)",
            description="The token is the one in the status link / QR code. No personal data is returned; "
            "an unknown token is 404.")
def public_status(request, token: str, response: HttpResponse):
    for name, value in PRIVATE_HEADERS.items():
        response[name] = value
    return selectors.public_status(token=token)
