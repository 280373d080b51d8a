"""Vocabulary shared by several apps (appointments, work orders, warranty, reminders)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ServiceType(models.TextChoices):
    FIRST_MAINTENANCE = "first_maintenance", _("First maintenance (首保)")
    PERIODIC_MAINTENANCE = "periodic_maintenance", _("Periodic maintenance (定期保养)")
    REPAIR = "repair", _("Repair (一般维修)")
    RECALL = "recall", _("Recall (召回)")
    ACCIDENT = "accident", _("Accident / insurance repair (事故车)")
    INSPECTION = "inspection", _("Inspection (检测)")
    INSTALLATION = "installation", _("Installation (安装)")


class PayType(models.TextChoices):
    """Who pays a work-order line (the four pay types of a dealer's service department)."""

    CUSTOMER = "A", _("A · paid by the customer (有费服务)")
    CONTRACT = "B", _("B · service contract (合同服务)")
    WARRANTY = "C", _("C · warranty, free to the customer (免费服务)")
    INTERNAL = "D", _("D · internal (一般行政)")
