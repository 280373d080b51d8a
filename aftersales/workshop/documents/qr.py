"""The customer's status link and its QR code (PNG for download, SVG for pages and PDFs)."""

from __future__ import annotations

import base64
import re
from io import BytesIO

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.urls import reverse


def status_path(token: str) -> str:
    return reverse("public:status", kwargs={"token": token})


def status_url(token: str, request=None) -> str:
    """The absolute address of the order's status page.

    ``PUBLIC_BASE_URL`` (for example ``https://service.example.com``) wins when set, so links printed
    or sent from behind a proxy, or from a background job without a request, point at the public
    host; otherwise the request's own host is used.
    """
    base = (getattr(settings, "PUBLIC_BASE_URL", "") or "").rstrip("/")
    if base:
        return base + status_path(token)
    if request is not None:
        return request.build_absolute_uri(status_path(token))
    return "http://127.0.0.1:8000" + status_path(token)


def _code(data: str) -> qrcode.QRCode:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=8, border=2)
    code.add_data(data)
    code.make(fit=True)
    return code


def qr_png(data: str) -> bytes:
    buffer = BytesIO()
    _code(data).make_image().save(buffer, format="PNG")
    return buffer.getvalue()


def qr_svg(data: str) -> str:
    """An inline ``<svg>`` element (no XML declaration), scalable, one path."""
    image = _code(data).make_image(image_factory=qrcode.image.svg.SvgPathImage)
    svg = image.to_string(encoding="unicode")
    svg = svg[svg.index("<svg"):]
    # Fill the box the page gives it (the viewBox keeps the proportions).
    return re.sub(r'^<svg width="[^"]*" height="[^"]*"', '<svg width="100%" height="100%"', svg, count=1)


def qr_png_data_uri(data: str) -> str:
    """For PDFs: WeasyPrint places a PNG in a fraction of the time it takes to lay out the SVG's
    hundreds of squares (at 8 px a module the code prints at well over 300 dpi)."""
    return "data:image/png;base64," + base64.b64encode(qr_png(data)).decode("ascii")
