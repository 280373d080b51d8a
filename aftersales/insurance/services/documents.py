"""The documents checklist: tick a document received (with the date), waive it, or upload its scan."""

from __future__ import annotations

import io
import os
import uuid
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from aftersales.core.audit import record_change, snapshot
from aftersales.core.errors import ApplicationError, ConflictError, NotFoundError, validation_error
from aftersales.core.inputs import as_bool, as_date, as_text
from aftersales.core.models import AuditAction

from ..choices import CLOSED_CLAIM_STATUSES, ClaimStatus, DocumentCode, DocumentStage
from ..models import InsuranceClaim, InsuranceClaimDocument, InsuranceClaimEvent
from .transitions import locked_claim

CHANGE = "insurance.change_insuranceclaim"
MAX_SCAN_BYTES = 10 * 1024 * 1024
# (leading bytes, extension, content type, accepted file name endings)
SCAN_TYPES = (
    (b"%PDF-", "pdf", "application/pdf", (".pdf",)),
    (b"\xff\xd8\xff", "jpg", "image/jpeg", (".jpg", ".jpeg")),
    (b"\x89PNG\r\n\x1a\n", "png", "image/png", (".png",)),
)
# Once the claim is past these states, the documents of the stage were declared complete.
STAGE_CLOSED_IN = {
    DocumentStage.DOCUMENTS: (ClaimStatus.DOCUMENTS_COMPLETE, ClaimStatus.REPAIRED_SETTLED, ClaimStatus.SUBMITTED),
    DocumentStage.SUBMISSION: (ClaimStatus.SUBMITTED,),
}


def _file_error(message: str):
    return validation_error(message, {"file": [message]})


def read_scan(uploaded) -> tuple[bytes, str, str, str]:
    """(content, extension, content type, original name) of an accepted scan, else a 422 on ``file``."""
    name = os.path.basename(str(getattr(uploaded, "name", "") or "")).replace("\x00", "")[:200] or "scan"
    size = getattr(uploaded, "size", None)
    if size is not None and size > MAX_SCAN_BYTES:
        raise _file_error(_("The file is larger than 10 MB."))
    data = uploaded.read(MAX_SCAN_BYTES + 1)
    if len(data) > MAX_SCAN_BYTES:
        raise _file_error(_("The file is larger than 10 MB."))
    if not data:
        raise _file_error(_("The file is empty."))
    match = next((t for t in SCAN_TYPES if data.startswith(t[0])), None)
    if match is None:
        raise _file_error(_("Upload a PDF, JPEG or PNG file."))
    _magic, extension, content_type, endings = match
    if not name.lower().endswith(endings):
        raise _file_error(_("The file's name does not match its content (%(type)s).") % {"type": extension.upper()})
    if content_type.startswith("image/"):
        try:
            with Image.open(io.BytesIO(data)) as image:
                image.verify()
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
            raise _file_error(_("This image is damaged or incomplete.")) from exc
    elif b"%%EOF" not in data[-2048:]:
        raise _file_error(_("This PDF is damaged or incomplete."))
    return data, extension, content_type, name


def insurance_claim_document_update(*, user, pk: int, code: str, data: dict[str, Any],
                                    uploaded_file=None) -> InsuranceClaimDocument:
    """``data``: ``received`` (yes/no), ``received_on``, ``required`` (waive a document), ``note``.

    Uploading a scan marks the document received (today unless a date is given).
    """
    if code not in DocumentCode.values:
        raise NotFoundError()
    with transaction.atomic():
        claim: InsuranceClaim = locked_claim(user, pk, CHANGE)
        if claim.status in CLOSED_CLAIM_STATUSES:
            message = _("This claim is closed (%(state)s); its documents can no longer change.") % {
                "state": claim.get_status_display()}
            raise ConflictError("closed", message, {"status": [message]})
        document = InsuranceClaimDocument.objects.select_for_update().filter(claim=claim, code=code).first()
        if document is None:  # a checklist made before this document was asked for
            document = InsuranceClaimDocument.objects.create(claim=claim, code=code, required=False)
        before = snapshot(document)
        fields: dict[str, list[str]] = {}
        scan = None
        if uploaded_file is not None:
            try:
                scan = read_scan(uploaded_file)
            except ApplicationError as exc:
                fields.update(exc.fields)
        received = document.received
        if data.get("received") is not None:
            received = as_bool(data["received"])
        if scan is not None:
            if data.get("received") is not None and not received:
                fields.setdefault("received", []).append(_("A scan is uploaded: the document is received."))
            received = True
        try:
            received_on = as_date(data.get("received_on"), "received_on", not_future=True)
            note = as_text(data["note"], "note", max_length=255) if data.get("note") is not None else document.note
        except ApplicationError as exc:
            fields.update(exc.fields)
            received_on, note = None, document.note
        if fields:
            raise validation_error(_("Some fields are not valid."), fields)
        required = as_bool(data["required"]) if data.get("required") is not None else document.required
        if document.stage in STAGE_CLOSED_IN and claim.status in STAGE_CLOSED_IN[document.stage] \
                and document.required and document.received and (not received or not required):
            message = _("The documents were declared complete; this one can no longer be taken back.")
            raise ConflictError("documents_complete", message, {"received": [message]})
        document.received = received
        document.required = required
        document.note = note
        if received:
            document.received_on = received_on or document.received_on or timezone.localdate()
        else:
            document.received_on = None
        document.updated_by = user if getattr(user, "is_authenticated", False) else None
        old_scan = document.scan.name if scan is not None and document.scan else ""
        new_scan = ""
        if scan is not None:
            content, extension, content_type, name = scan
            document.scan.save(f"{code}-{uuid.uuid4().hex}.{extension}", ContentFile(content), save=False)
            new_scan = document.scan.name
            document.scan_name, document.scan_type, document.scan_size = name, content_type, len(content)
        storage = document.scan.storage
        try:
            document.save()
            record_change(actor=user, instance=document, action=AuditAction.UPDATE, before=before,
                          after=snapshot(document))
            InsuranceClaimEvent.objects.create(
                claim=claim, kind="document", from_status=claim.status, to_status=claim.status,
                actor=document.updated_by, note=document.get_code_display()[:500],
                data={"code": code, "received": document.received, "required": document.required,
                      "received_on": document.received_on.isoformat() if document.received_on else None,
                      "scan": document.scan_name if new_scan else None})
        except Exception:
            if new_scan:  # the row is not written: neither is its file
                storage.delete(new_scan)
            raise
        if old_scan:
            transaction.on_commit(lambda: storage.delete(old_scan))
    return document
