"""Queue and deliver notifications. Queued inside the caller's transaction, sent after it commits."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from .channels import ChannelError, channel_for
from .choices import NotificationChannel, NotificationStatus
from .models import Notification


def notification_queue(*, kind: str, subject: str, body: str, customer=None, service_point=None,
                       recipient: str = "", channel: str = "", related=None, actor=None) -> Notification:
    """Record a message and send it once the surrounding transaction commits (never for a rollback)."""
    if not channel:
        channel = getattr(customer, "preferred_channel", "") or NotificationChannel.LOG
    if channel not in NotificationChannel.values:
        channel = NotificationChannel.LOG
    if not recipient and customer is not None:
        recipient = _default_recipient(customer)
    notification = Notification.objects.create(
        kind=kind[:64], subject=str(subject)[:200], body=str(body), customer=customer, service_point=service_point,
        recipient=recipient[:255], channel=channel,
        content_type=ContentType.objects.get_for_model(related, for_concrete_model=False) if related else None,
        object_id=str(related.pk) if related is not None else "",
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    transaction.on_commit(lambda: _dispatch(notification.pk))
    return notification


def _default_recipient(customer) -> str:
    phone = customer.phones.order_by("-is_primary", "id").values_list("number", flat=True).first()
    return phone or customer.email or ""


def _dispatch(notification_id: int) -> None:
    from .tasks import deliver_notification

    deliver_notification.delay(notification_id)


def notification_deliver(*, notification_id: int) -> Notification | None:
    """Hand one queued message to its channel; a failure is kept on the row, not raised."""
    with transaction.atomic():
        notification = Notification.objects.select_for_update().filter(pk=notification_id).first()
        if notification is None or notification.status == NotificationStatus.SENT:
            return notification
        channel, used = channel_for(notification.channel)
        notification.attempts += 1
        try:
            channel.send(notification)
        except ChannelError as exc:
            notification.status = NotificationStatus.FAILED
            notification.error = str(exc)[:500]
        else:
            notification.status = NotificationStatus.SENT
            notification.sent_at = timezone.now()
            notification.error = "" if used == notification.channel else f"no gateway for {notification.channel}; logged"
        notification.save(update_fields=["status", "attempts", "error", "sent_at"])
    return notification
