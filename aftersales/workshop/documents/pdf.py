"""HTML → PDF with WeasyPrint, fast and closed to the outside world.

The font configuration and the shared print stylesheet are made once per process (parsing the
stylesheet and loading the CJK fonts is most of a first render). The URL fetcher only accepts
``data:`` URLs, so a document can never make the server fetch a file or a web address — the
signature and the QR code are embedded as data URLs.
"""

from __future__ import annotations

import logging
import threading
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders

PRINT_CSS = "css/print/documents.css"
FONT_FAMILY = '"Noto Sans CJK SC", "Noto Serif CJK SC", "WenQuanYi Zen Hei", sans-serif'

_lock = threading.Lock()
# WeasyPrint logs every rendering step at INFO; keep its warnings (missing glyphs, refused URLs) only.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


@lru_cache(maxsize=1)
def _font_config():
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def _stylesheet_path() -> Path:
    found = finders.find(PRINT_CSS)
    return Path(found) if found else Path(settings.BASE_DIR) / "static" / PRINT_CSS


@lru_cache(maxsize=1)
def _stylesheet():
    from weasyprint import CSS

    return CSS(string=_stylesheet_path().read_text(encoding="utf-8"), font_config=_font_config())


def _fetcher():
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols={"data"}, allow_redirects=False, timeout=2)


def html_to_pdf(html: str) -> bytes:
    """The PDF of ``html`` (A4, margins and fonts from the shared print stylesheet; the PDF's title is
    the HTML ``<title>``)."""
    from weasyprint import HTML

    document = HTML(string=html, base_url="data:,", url_fetcher=_fetcher())
    # Pango's font map is shared by the process: one render at a time per process keeps it safe
    # under threaded servers (gunicorn's default workers are processes, so this rarely waits).
    with _lock:
        return document.write_pdf(stylesheets=[_stylesheet()], font_config=_font_config())
