"""Reads of notifications: always through ``restrict``; recipients masked for roles without personal data."""

from __future__ import annotations

from django.db.models import QuerySet

from aftersales.accounts.access import sees_personal_data
from aftersales.core.errors import NotFoundError
from aftersales.core.inputs import is_row_id
from aftersales.core.masking import mask_email, mask_phone

from .choices import NotificationStatus
from .models import Notification


def notification_list(*, user, kind: str = "", status: str = "", customer_id=None,
                      service_point_id=None) -> QuerySet[Notification]:
    qs = Notification.objects.restrict(user, "view").select_related("customer", "service_point")
    kind = (kind or "").replace("\x00", "").strip()[:64]
    if kind:
        qs = qs.filter(kind=kind)
    if status in NotificationStatus.values:
        qs = qs.filter(status=status)
    if customer_id:
        qs = qs.filter(customer_id=customer_id)
    if service_point_id:
        qs = qs.filter(service_point_id=service_point_id)
    return qs


def notification_get(*, user, pk) -> Notification:
    if not is_row_id(pk):
        raise NotFoundError()
    row = (Notification.objects.restrict(user, "view").select_related("customer", "service_point", "created_by")
           .filter(pk=pk).first())
    if row is None:
        raise NotFoundError()
    return row


def shown_recipient(user, notification: Notification) -> str:
    """The recipient as this user may see it: masked without the right to personal data there."""
    if sees_personal_data(user, notification.service_point_id):
        return notification.recipient
    value = notification.recipient
    return mask_email(value) if "@" in value else mask_phone(value)


def mask_body(user, notification: Notification) -> str:
    """The message, with the recipient's number masked in it for roles without personal data."""
    if sees_personal_data(user, notification.service_point_id) or not notification.recipient:
        return notification.body
    return notification.body.replace(notification.recipient, shown_recipient(user, notification))


KINDS = ("appointment.confirmation", "appointment.reminder", "appointment.cancellation")


def known_kinds(user) -> list[str]:
    found = set(Notification.objects.restrict(user, "view").order_by().values_list("kind", flat=True).distinct()[:50])
    return sorted(found | set(KINDS))
