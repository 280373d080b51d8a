"""Pages of the messages sent to customers."""

from __future__ import annotations

from django.shortcuts import render
from django.utils.translation import gettext as _

from aftersales.core.exports import excel_response
from aftersales.core.inputs import is_row_id
from aftersales.core.ui import OffsetPage, page_number, ui_permission_required

from . import selectors
from .choices import NotificationStatus


def _int(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if is_row_id(number) else None


@ui_permission_required("crm.view_notification")
def notification_list(request):
    kind = request.GET.get("kind", "").replace("\x00", "").strip()[:64]
    status = request.GET.get("status", "")
    customer_id = _int(request.GET.get("customer"))
    qs = selectors.notification_list(user=request.user, kind=kind, status=status,
                                     customer_id=customer_id).order_by("-id")
    user = request.user
    if request.GET.get("export") == "xlsx":
        columns = [
            (_("time"), lambda n: n.created_at), (_("kind"), lambda n: n.kind),
            (_("customer"), lambda n: n.customer.name if n.customer_id else ""),
            (_("recipient"), lambda n: selectors.shown_recipient(user, n)), (_("channel"), lambda n: n.get_channel_display()),
            (_("status"), lambda n: n.get_status_display()), (_("subject"), lambda n: n.subject),
            (_("sent at"), lambda n: n.sent_at),
        ]
        return excel_response(qs.iterator(chunk_size=2000), columns, filename="notifications")
    page = OffsetPage(qs, page=page_number(request), per_page=50)
    for row in page:
        row.shown_recipient = selectors.shown_recipient(user, row)
    return render(request, "crm/notification_list.html", {
        "page": page, "kind": kind, "status": status, "customer_id": customer_id,
        "kinds": selectors.known_kinds(user), "statuses": NotificationStatus.choices,
    })


@ui_permission_required("crm.view_notification")
def notification_detail(request, pk: int):
    row = selectors.notification_get(user=request.user, pk=pk)
    return render(request, "crm/notification_detail.html", {
        "n": row, "recipient": selectors.shown_recipient(request.user, row),
        "body": selectors.mask_body(request.user, row),
        "related_url": f"/appointments/{row.object_id}/" if row.content_type_id and row.kind.startswith("appointment.")
        else "",
    })
