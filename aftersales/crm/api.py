"""Notifications API: the messages sent to customers (read-only)."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Query, Router, Schema

from aftersales.core.api import ERRORS, Page, keyset_page, require
from aftersales.core.inputs import MAX_ROW_ID

from . import selectors

router = Router(tags=["crm"])


class NotificationOut(Schema):
    id: int
    kind: str
    channel: str
    status: str
    service_point_id: int | None
    customer_id: int | None
    customer_name: str
    recipient: str = Field(description="Masked for roles without personal data.")
    subject: str
    body: str
    attempts: int
    error: str
    content_type: str
    object_id: str
    created_at: datetime
    sent_at: datetime | None


def _out(user, row) -> dict:
    return {
        "id": row.pk, "kind": row.kind, "channel": row.channel, "status": row.status,
        "service_point_id": row.service_point_id, "customer_id": row.customer_id,
        "customer_name": row.customer.name if row.customer_id else "",
        "recipient": selectors.shown_recipient(user, row), "subject": row.subject,
        "body": selectors.mask_body(user, row), "attempts": row.attempts, "error": row.error,
        "content_type": f"{row.content_type.app_label}.{row.content_type.model}" if row.content_type_id else "",
        "object_id": row.object_id, "created_at": row.created_at, "sent_at": row.sent_at,
    }


class NotificationFilters(Schema):
    kind: str = Field("", max_length=64)
    status: str = ""
    customer_id: int | None = Field(None, ge=1, le=MAX_ROW_ID)
    service_point_id: int | None = Field(None, ge=1, le=MAX_ROW_ID)
    limit: int = 50
    cursor: str | None = None


@router.get("/notifications", response={200: Page[NotificationOut], **ERRORS}, summary="Messages sent, newest first")
def notification_list(request, filters: Query[NotificationFilters]):
    require(request.user, "crm.view_notification")
    qs = selectors.notification_list(user=request.user, kind=filters.kind, status=filters.status,
                                     customer_id=filters.customer_id,
                                     service_point_id=filters.service_point_id).select_related("content_type")
    items, cursor = keyset_page(qs, limit=max(1, min(filters.limit, 200)), cursor=filters.cursor)
    return {"items": [_out(request.user, row) for row in items], "next_cursor": cursor}


@router.get("/notifications/{pk}", response={200: NotificationOut, **ERRORS}, summary="One message")
def notification_detail(request, pk: int):
    require(request.user, "crm.view_notification")
    row = selectors.notification_get(user=request.user, pk=pk)
    return _out(request.user, row)
