"""Messages to customers (confirmations, reminders, approval links), whatever channel carries them."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aftersales.core.querysets import RestrictedQuerySet

from .choices import NotificationChannel, NotificationStatus


class Notification(models.Model):
    """One message to one customer. The row is the record of what was said, when and how."""

    service_point = models.ForeignKey("accounts.ServicePoint", verbose_name=_("service point"), null=True,
                                      blank=True, on_delete=models.SET_NULL, related_name="+")
    customer = models.ForeignKey("customers.Customer", verbose_name=_("customer"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=64, help_text=_("For example appointment.reminder"))
    channel = models.CharField(_("channel"), max_length=16, choices=NotificationChannel.choices,
                               default=NotificationChannel.LOG)
    recipient = models.CharField(_("recipient"), max_length=255, blank=True)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"))
    status = models.CharField(_("status"), max_length=8, choices=NotificationStatus.choices,
                              default=NotificationStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.CharField(_("error"), max_length=500, blank=True)
    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["service_point", "-id"], name="notif_point_idx"),
            models.Index(fields=["content_type", "object_id"], name="notif_object_idx"),
            models.Index(fields=["customer", "-id"], name="notif_customer_idx"),
            models.Index(fields=["service_point", "kind", "-id"], name="notif_point_kind_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient or self.customer_id}"

    def get_absolute_url(self) -> str:
        return f"/crm/notifications/{self.pk}/"

    @classmethod
    def restrict_q(cls, point_ids) -> Q:
        return Q(service_point_id__in=point_ids)
