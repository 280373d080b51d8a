"""An order's document as a PDF: the data from the selectors, the template, the language, WeasyPrint."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from aftersales.core.audit import record_access

from ..selectors import documents as selectors
from . import CHINESE_TITLES, Copy, DocumentKind
from .pdf import html_to_pdf
from .qr import qr_png_data_uri, status_url

CHINESE = "zh-hans"
TEMPLATES = {
    DocumentKind.WORK_ORDER: "workshop/documents/work_order.html",
    DocumentKind.REPAIR_CARD: "workshop/documents/repair_card.html",
    DocumentKind.STATEMENT: "workshop/documents/statement.html",
}
_UNSAFE_FILENAME = re.compile(r"[^A-Za-z0-9_.-]")


@dataclass(frozen=True)
class RenderedDocument:
    filename: str
    content: bytes


def document_language(requested: str | None = None, copy: str = Copy.WORKSHOP) -> str:
    """The language to print in: the one asked for; else Chinese for the customer's copy; else the
    language the user is working in (the request's); Chinese when there is none."""
    known = {code for code, _name in settings.LANGUAGES}
    if requested in known:
        return requested
    if copy == Copy.CUSTOMER:
        return CHINESE
    active = translation.get_language()
    return active if active in known else CHINESE


def document_filename(order, kind: str) -> str:
    return f"{_UNSAFE_FILENAME.sub('_', order.number) or order.pk}-{kind}.pdf"


def _context(*, user, order, kind: str, request) -> dict:
    if kind == DocumentKind.WORK_ORDER:
        data = selectors.work_order_document(user=user, order=order)
        if order.status_token:
            data["qr"] = qr_png_data_uri(status_url(order.status_token, request))
    elif kind == DocumentKind.REPAIR_CARD:
        data = selectors.repair_card_document(order=order)
    else:
        data = selectors.statement_document(user=user, order=order)
    return data


def order_document_html(*, user, order, kind: str, copy: str = Copy.WORKSHOP, language: str | None = None,
                        request=None) -> tuple[str, dict]:
    """The document's HTML (and its data), for a checked order: see ``order_document_pdf``."""
    lang = document_language(language, copy)
    with translation.override(lang):
        data = _context(user=user, order=order, kind=kind, request=request)
        title = str(DocumentKind(kind).label)
        data.update({
            "kind": kind, "lang": lang, "title": title, "title_zh": CHINESE_TITLES[kind],
            "show_subtitle": title != CHINESE_TITLES[kind], "copy_label": str(Copy(copy).label),
            "printed_at": timezone.now(),
        })
        return render_to_string(TEMPLATES[kind], data), data


def order_document_pdf(*, user, pk, kind: str, copy: str = Copy.WORKSHOP, language: str | None = None,
                       request=None) -> RenderedDocument:
    """The PDF of document ``kind`` of order ``pk`` as ``user`` may see it.

    404 when the order is not at the user's points or the kind is unknown, 403 for the statement
    without the right to see payments, 409 when the order is not far enough along. A customer
    phone printed unmasked is recorded in the access log.
    """
    order = selectors.document_order_get(user=user, pk=pk)
    selectors.document_check(user=user, order=order, kind=kind)
    copy = copy if copy in Copy.values else Copy.WORKSHOP
    html, data = order_document_html(user=user, order=order, kind=kind, copy=copy, language=language,
                                     request=request)
    content = html_to_pdf(html)
    if data.get("phone_unmasked"):
        record_access(actor=user, instance=order.customer, channel="pdf", unmasked=True)
    return RenderedDocument(filename=document_filename(order, kind), content=content)
