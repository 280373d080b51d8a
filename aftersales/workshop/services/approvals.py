"""The customer's approval of the estimate and of supplements: in person (signature drawn on the
screen), by phone (recorded by the advisor with a note) or through a link (no login; only the
token's hash is kept; it expires after ``APPROVAL_LINK_HOURS``).

Approving the estimate moves the order to "approved" (its parts are reserved by the transition's
effect); declining sends it back to reception with the lines kept for editing. A supplement's
answer leaves the order where it is: approved lines may be worked on and their parts are reserved,
declined lines drop out of the totals. Every answer is an event on the order's timeline.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import io
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Case, F, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.core.choices import PayType
from aftersales.core.commands import command
from aftersales.core.errors import ApplicationError, ConflictError, NotFoundError, validation_error
from aftersales.core.inputs import as_choice, as_text, invalid, is_row_id
from aftersales.core.tokens import new_link_token, token_hash

from ..choices import (
    ApprovalKind,
    ApprovalMethod,
    ApprovalStatus,
    JobStatus,
    LineKind,
    LineStatus,
    WorkOrderStatus,
)
from ..models import Approval, WorkOrder, WorkOrderLine
from .lines import SUPPLEMENT_STATUSES, not_covered_warranty_lines
from .orders import order_event, require_status
from .stock import line_reserve
from .totals import order_recompute_totals
from .transitions import locked_order, work_order_transition

S = WorkOrderStatus
PNG_PREFIX = "data:image/png;base64,"
SIGNATURE_MAX_BYTES = 300_000
SIGNATURE_MAX_SIDE = 3000
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
DECISIONS = ("approve", "decline")


def link_hours() -> int:
    return int(getattr(settings, "APPROVAL_LINK_HOURS", 72))


def approval_path(raw_token: str) -> str:
    return f"/p/approve/{raw_token}/"


def signature_check(value, field: str = "signature") -> str:
    """A signature drawn on the screen: a PNG data URL of a real, not empty PNG within the size limit."""
    from PIL import Image, ImageChops, UnidentifiedImageError

    text = as_text(value, field, max_length=len(PNG_PREFIX) + SIGNATURE_MAX_BYTES * 4 // 3 + 8)
    if not text:
        raise invalid(field, _("The customer must sign in the box."))
    if not text.startswith(PNG_PREFIX):
        raise invalid(field, _("The signature must be a PNG image."))
    try:
        raw = base64.b64decode(text[len(PNG_PREFIX):], validate=True)
    except (binascii.Error, ValueError) as exc:
        raise invalid(field, _("The signature must be a PNG image.")) from exc
    if len(raw) > SIGNATURE_MAX_BYTES:
        raise invalid(field, _("The signature image is too large."))
    if not raw.startswith(b"\x89PNG\r\n\x1a\n"):
        raise invalid(field, _("The signature must be a PNG image."))
    try:
        with Image.open(io.BytesIO(raw)) as image:
            if image.format != "PNG" or max(image.size) > SIGNATURE_MAX_SIDE:
                raise invalid(field, _("The signature must be a PNG image."))
            image.verify()
        with Image.open(io.BytesIO(raw)) as image:
            drawn = image.convert("RGBA")
            # Ink: a visible (alpha > 0) dark pixel, on a transparent or a white canvas alike.
            dark = drawn.convert("L").point(lambda v: 255 if v < 200 else 0)
            visible = drawn.getchannel("A").point(lambda v: 255 if v > 0 else 0)
            ink = ImageChops.multiply(dark, visible).getbbox()
    except ApplicationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise invalid(field, _("The signature must be a PNG image.")) from exc
    if ink is None:
        raise invalid(field, _("The customer must sign in the box."))
    return text


def _customer_amount(lines) -> Decimal:
    return sum((line.amount for line in lines if line.pay_type == PayType.CUSTOMER), Decimal("0.00"))


def _send_link(*, user, order: WorkOrder, approval: Approval, base_url: str = "") -> str:
    """A fresh link for ``approval`` (an earlier one stops working), sent to the customer's phone."""
    from aftersales.crm.choices import NotificationChannel
    from aftersales.crm.services import notification_queue

    phone = order.customer.phones.order_by("-is_primary", "id").values_list("number", flat=True).first()
    if not phone:
        raise invalid("send_link", _("The customer has no phone number to send the link to."))
    raw, digest = new_link_token()
    now = timezone.now()
    approval.token_hash = digest
    approval.token_expires_at = now + dt.timedelta(hours=link_hours())
    approval.sent_at = now
    approval.save(update_fields=["token_hash", "token_expires_at", "sent_at"])
    url = f"{(base_url or getattr(settings, 'PUBLIC_BASE_URL', '')).rstrip('/')}{approval_path(raw)}"
    what = _("estimate") if approval.kind == ApprovalKind.ESTIMATE else _("additional work")
    body = _("%(point)s: please review the %(what)s for %(plate)s (work order %(number)s), %(amount)s yuan for "
             "you to pay, and approve or decline it here: %(url)s (valid until %(until)s).") % {
        "point": order.service_point.name, "what": what, "plate": order.asset.plate or order.asset,
        "number": order.number, "amount": approval.amount, "url": url,
        "until": timezone.localtime(approval.token_expires_at).strftime("%Y-%m-%d %H:%M")}
    notification_queue(kind="workshop.approval_link", subject=_("Approval of work order %(number)s") % {
        "number": order.number}, body=body, customer=order.customer, service_point=order.service_point,
        recipient=phone, channel=NotificationChannel.SMS, related=approval, actor=user)
    order_event(order=order, kind="approval_link_sent", user=user,
                data={"approval_id": approval.pk, "expires_at": approval.token_expires_at.isoformat()})
    return raw


def _new_approval(*, user, order: WorkOrder, kind: str, lines: list[WorkOrderLine], note: str) -> Approval:
    last = order.approvals.order_by("-sequence").values_list("sequence", flat=True).first() or 0
    approval = Approval.objects.create(
        work_order=order, kind=kind, sequence=last + 1, amount=_customer_amount(lines), note=note,
        created_by=user if getattr(user, "is_authenticated", False) else None)
    WorkOrderLine.objects.filter(pk__in=[line.pk for line in lines]).update(approval=approval)
    return approval


@dataclass
class Submitted:
    order: WorkOrder
    approval: Approval
    link: str | None = None  # the raw link path, returned once when sent


def _open_lines(order: WorkOrder, *, supplement: bool) -> list[WorkOrderLine]:
    """Proposed lines not waiting for an answer already."""
    lines = (order.lines.filter(status=LineStatus.PROPOSED, is_supplement=supplement)
             .exclude(approval__status=ApprovalStatus.PENDING).order_by("sequence"))
    return list(lines)


def estimate_submit(*, user, order_id, send_link: bool = False, note: str = "", base_url: str = "") -> Submitted:
    """Reception → estimate awaiting approval, with an ``Approval`` of the proposed lines (and a link
    to the customer when ``send_link``)."""
    note = as_text(note, "note", max_length=500)
    with command():
        order = locked_order(user, order_id, "workshop.change_workorder")
        lines = _open_lines(order, supplement=False) if order.status == S.RECEPTION else []
        errors = not_covered_warranty_lines(lines)
        if errors:
            raise validation_error(_("A warranty line is not covered."), errors)
        order = work_order_transition(user=user, order=order, name="submit_estimate", note=note)
        approval = _new_approval(user=user, order=order, kind=ApprovalKind.ESTIMATE, lines=lines, note=note)
        link = _send_link(user=user, order=order, approval=approval, base_url=base_url) if send_link else None
    return Submitted(order=order, approval=approval, link=link)


def supplement_submit(*, user, order_id, send_link: bool = False, note: str = "", base_url: str = "") -> Submitted:
    """Put the supplement lines found during the repair to the customer (the order's state stays)."""
    note = as_text(note, "note", max_length=500)
    with command():
        order = locked_order(user, order_id, "workshop.change_workorder")
        require_status(order, SUPPLEMENT_STATUSES,
                       _("Supplements are put to the customer while the order is approved or in repair."))
        lines = _open_lines(order, supplement=True)
        if not lines:
            message = _("There are no new supplement lines to put to the customer.")
            raise ConflictError("nothing_to_submit", message, {"lines": [message]})
        errors = not_covered_warranty_lines(lines)
        if errors:
            raise validation_error(_("A warranty line is not covered."), errors)
        approval = _new_approval(user=user, order=order, kind=ApprovalKind.SUPPLEMENT, lines=lines, note=note)
        order_event(order=order, kind="supplement_submitted", user=user, note=note,
                    data={"approval_id": approval.pk, "lines": [line.sequence for line in lines],
                          "amount": str(approval.amount)})
        link = _send_link(user=user, order=order, approval=approval, base_url=base_url) if send_link else None
    return Submitted(order=order, approval=approval, link=link)


def approval_send_link(*, user, order_id, approval_id, base_url: str = "") -> str:
    """A new link for a pending approval (the previous one stops working)."""
    with command():
        order = locked_order(user, order_id, "workshop.change_workorder")
        approval = _pending(order, approval_id)
        return _send_link(user=user, order=order, approval=approval, base_url=base_url)


def _pending(order: WorkOrder, approval_id) -> Approval:
    if not is_row_id(approval_id):
        raise NotFoundError()
    approval = order.approvals.select_for_update(of=("self",)).filter(pk=approval_id).first()
    if approval is None:
        raise NotFoundError()
    if approval.status != ApprovalStatus.PENDING:
        message = _("This approval is already “%(status)s”.") % {"status": approval.get_status_display()}
        raise ConflictError("already_decided", message, {"decision": [message]})
    return approval


def _approve_lines(lines) -> None:
    """The approved lines go ahead; their jobs wait for a technician (one statement for both)."""
    lines.update(status=LineStatus.APPROVED, job_status=Case(
        When(kind=LineKind.LABOUR, then=Value(JobStatus.WAITING)), default=F("job_status")))


def _decide(*, user, order: WorkOrder, approval: Approval, approve: bool, method: str, approver_name: str,
            signature: str, note: str, actor_label: str = "", client_ip: str | None = None,
            by_token: bool = False) -> Approval:
    """Record the answer and carry it out (inside the caller's transaction, order and approval locked)."""
    now = timezone.now()
    approval.status = ApprovalStatus.APPROVED if approve else ApprovalStatus.DECLINED
    approval.method = method
    approval.approver_name = approver_name
    approval.signature = signature
    approval.decided_at = now
    approval.note = note or approval.note
    approval.recorded_by = user if getattr(user, "is_authenticated", False) else None
    approval.client_address = client_ip
    approval.save(update_fields=["status", "method", "approver_name", "signature", "decided_at", "note",
                                 "recorded_by", "client_address"])
    lines = approval.lines.all()
    data = {"approval_id": approval.pk, "kind": approval.kind, "method": method, "approver_name": approver_name,
            "amount": str(approval.amount)}
    if client_ip:
        data["client_ip"] = client_ip
    if approval.kind == ApprovalKind.ESTIMATE:
        if approve:
            _approve_lines(lines)
            work_order_transition(user=user, order=order, name="approve", note=note, data=data,
                                  actor_label=actor_label, authorised_by_token=by_token)
        else:
            work_order_transition(user=user, order=order, name="revise", note=note, data=data,
                                  actor_label=actor_label, authorised_by_token=by_token)
    else:
        if approve:
            _approve_lines(lines)
            for line in lines.filter(kind=LineKind.PART, part__isnull=False).select_related("part"):
                line.work_order = order
                line_reserve(line=line, user=user)
        else:
            lines.update(status=LineStatus.DECLINED)
        order_event(order=order, kind="supplement_approved" if approve else "supplement_declined", user=user,
                    note=note, data=data, actor_label=actor_label)
        order_recompute_totals(WorkOrder.objects.get(pk=order.pk))
    return approval


def approval_decide(*, user, order_id, approval_id, data: dict[str, Any]) -> Approval:
    """The advisor records the customer's answer: in person with the signature drawn on the screen
    (``method="signature"``) or by phone (``method="phone"``, note required)."""
    data = dict(data or {})
    decision = as_text(data.get("decision"), "decision", max_length=10, required=True)
    if decision not in DECISIONS:
        raise invalid("decision", _("Choose approve or decline."))
    method = as_choice(data.get("method"), "method", ApprovalMethod)
    if method == ApprovalMethod.LINK:
        raise invalid("method", _("Answers through the link come from the customer; choose signature or phone."))
    note = as_text(data.get("note"), "note", max_length=500)
    approver_name = as_text(data.get("approver_name"), "approver_name", max_length=100)
    signature = ""
    if method == ApprovalMethod.PHONE and not note:
        raise invalid("note", _("Note what the customer said on the phone."))
    with command():
        order = locked_order(user, order_id, "workshop.record_approval_workorder")
        approval = _pending(order, approval_id)
        if method == ApprovalMethod.SIGNATURE:
            if not approver_name:
                raise invalid("approver_name", _("Enter the name of the person signing."))
            if decision == "approve" or data.get("signature"):
                signature = signature_check(data.get("signature"))
        approver_name = approver_name or order.customer.name[:100]
        return _decide(user=user, order=order, approval=approval, approve=decision == "approve", method=method,
                       approver_name=approver_name, signature=signature, note=note)


# ---- the customer's link ------------------------------------------------------------------------

class LinkState:
    OPEN = "open"
    UNKNOWN = "unknown"
    USED = "used"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"


def approval_by_token(raw: str, *, lock: bool = False) -> Approval | None:
    if not isinstance(raw, str) or not TOKEN_PATTERN.match(raw):
        return None
    qs = Approval.objects.select_related("work_order", "work_order__asset", "work_order__service_point")
    if lock:
        qs = qs.select_for_update(of=("self",))
    return qs.filter(token_hash=token_hash(raw)).first()


def link_state(approval: Approval | None) -> str:
    if approval is None:
        return LinkState.UNKNOWN
    if approval.status == ApprovalStatus.WITHDRAWN:
        return LinkState.WITHDRAWN
    if approval.status != ApprovalStatus.PENDING:
        return LinkState.USED
    if approval.token_expires_at is None or approval.token_expires_at <= timezone.now():
        return LinkState.EXPIRED
    return LinkState.OPEN


LINK_MESSAGES = {
    LinkState.UNKNOWN: gettext_lazy("This link is not valid. Please ask the service point for a new one."),
    LinkState.USED: gettext_lazy("This has already been answered. Thank you."),
    LinkState.EXPIRED: gettext_lazy("This link has expired. Please ask the service point for a new one."),
    LinkState.WITHDRAWN: gettext_lazy("The service point has withdrawn this request; you will receive a new one."),
}


def link_refusal(state: str) -> ApplicationError:
    message = str(LINK_MESSAGES[state])
    status = 404 if state == LinkState.UNKNOWN else 409
    return ApplicationError(f"link_{state}", message, {"token": [message]}, status=status)


def approval_decide_by_link(*, token: str, decision, approver_name, signature=None,
                            client_ip: str | None = None) -> Approval:
    """The customer answers through the link: approve (typing their name and signing) or decline."""
    decision = as_text(decision, "decision", max_length=10, required=True)
    if decision not in DECISIONS:
        raise invalid("decision", _("Choose approve or decline."))
    name = as_text(approver_name, "approver_name", max_length=100, required=True)
    with command():
        found = approval_by_token(token)
        if found is None:
            raise link_refusal(LinkState.UNKNOWN)
        # The order first, then the approval: the same order of locks as the advisor's recording, so
        # the customer and the advisor answering at the same moment queue instead of deadlocking.
        order = WorkOrder.objects.select_for_update(of=("self",)).select_related("customer").get(
            pk=found.work_order_id)
        approval = approval_by_token(token, lock=True)
        state = link_state(approval)
        if state != LinkState.OPEN:
            raise link_refusal(state)
        signature_text = signature_check(signature) if decision == "approve" or signature else ""
        if order.status not in (S.AWAITING_APPROVAL, *SUPPLEMENT_STATUSES):
            raise link_refusal(LinkState.WITHDRAWN)
        return _decide(user=None, order=order, approval=approval, approve=decision == "approve",
                       method=ApprovalMethod.LINK, approver_name=name, signature=signature_text, note="",
                       actor_label=name, client_ip=client_ip, by_token=True)
