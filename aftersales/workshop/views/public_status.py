"""The customer's status page: no login, reached by the order's unguessable token (link or QR code).

It shows the order's progress and nothing personal (see ``selectors.documents.public_status``); a
wrong token is the same plain 404 as any unknown address. The page is neither cached, indexed nor
passed on as a referrer, so the token does not leak from it.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_safe

from aftersales.core.errors import NotFoundError

from ..selectors.documents import public_status

PRIVATE_HEADERS = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex, nofollow", "Referrer-Policy": "no-referrer"}


@require_safe
def status_page(request, token: str):
    try:
        status = public_status(token=token)
    except NotFoundError as exc:
        raise Http404 from exc
    response = render(request, "workshop/public/status.html", {"status": status})
    for name, value in PRIVATE_HEADERS.items():
        response[name] = value
    return response


urlpatterns = [path("status/<str:token>/", status_page, name="status")]
