"""Serving a document's scan (ID cards, licences: personal data) to the people who may see it."""

from __future__ import annotations

from django.http import FileResponse

from aftersales.accounts.access import sees_personal_data
from aftersales.core.audit import record_access
from aftersales.core.errors import NotFoundError, PermissionDeniedError

from . import selectors
from .choices import DocumentCode


def scan_response(*, user, pk, code: str, channel: str) -> FileResponse:
    """The scan, inline, logged in the access log; 404 without one, 403 for roles that see no personal data."""
    claim = selectors.claim_get(user=user, pk=pk)
    if code not in DocumentCode.values:
        raise NotFoundError()
    document = next((d for d in claim.documents.all() if d.code == code), None)
    if document is None or not document.scan:
        raise NotFoundError()
    if not sees_personal_data(user, claim.work_order.service_point_id):
        raise PermissionDeniedError()
    record_access(actor=user, instance=document, channel=channel, unmasked=True)
    extension = document.scan.name.rsplit(".", 1)[-1]
    response = FileResponse(document.scan.open("rb"), content_type=document.scan_type or "application/octet-stream",
                            filename=f"claim-{claim.pk}-{code}.{extension}")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
