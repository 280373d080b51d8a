"""Printing an order's documents (维修委托书, 修护卡, 结算单) and its status link with the QR code.

    /workshop/orders/<pk>/documents/               the panel on the order's page (HTMX) or a page of its own
    /workshop/orders/<pk>/documents/<kind>.pdf     work-order | repair-card | statement; ?copy=customer, ?lang=en
    /workshop/orders/<pk>/documents/status-qr.png  the status link's QR code to download
"""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_safe

from aftersales.core.errors import ConflictError
from aftersales.core.ui import ui_permission_required

from ..documents import Copy, DocumentKind
from ..documents.qr import qr_png, qr_svg, status_url
from ..documents.render import order_document_pdf
from ..selectors import documents as selectors

VIEW = "workshop.view_workorder"


def _pdf_response(document) -> HttpResponse:
    response = HttpResponse(document.content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{document.filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_safe
@ui_permission_required(VIEW)
def order_document(request, pk: int, kind: str):
    if kind not in DocumentKind.values:
        raise Http404
    copy = Copy.CUSTOMER if request.GET.get("copy") == Copy.CUSTOMER else Copy.WORKSHOP
    try:
        document = order_document_pdf(user=request.user, pk=pk, kind=kind, copy=copy,
                                      language=request.GET.get("lang") or None, request=request)
    except ConflictError as exc:
        order = selectors.document_order_get(user=request.user, pk=pk)
        return render(request, "workshop/documents/unavailable.html",
                      {"order": order, "message": exc.message, "kind": DocumentKind(kind)}, status=409)
    return _pdf_response(document)


@require_safe
@ui_permission_required(VIEW)
def order_documents_panel(request, pk: int):
    order = selectors.document_order_get(user=request.user, pk=pk)
    url = status_url(order.status_token, request) if order.status_token else ""
    context = {"order": order, "documents": selectors.document_choices(user=request.user, order=order),
               "status_url": url, "qr_svg": qr_svg(url) if url else ""}
    template = "workshop/documents/_panel.html" if request.htmx else "workshop/documents/panel.html"
    return render(request, template, context)


@require_safe
@ui_permission_required(VIEW)
def order_status_qr(request, pk: int):
    order = selectors.document_order_get(user=request.user, pk=pk)
    if not order.status_token:
        raise Http404
    response = HttpResponse(qr_png(status_url(order.status_token, request)), content_type="image/png")
    response["Content-Disposition"] = f'inline; filename="{order.number}-status-qr.png"'
    response["Cache-Control"] = "private, no-store"
    return response


urlpatterns = [
    path("orders/<int:pk>/documents/", order_documents_panel, name="order_documents"),
    path("orders/<int:pk>/documents/status-qr.png", order_status_qr, name="order_status_qr"),
    path("orders/<int:pk>/documents/<slug:kind>.pdf", order_document, name="order_document"),
]
