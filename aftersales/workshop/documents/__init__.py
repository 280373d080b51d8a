"""The printable documents of a work order (维修委托书, 修护卡, 结算单) and the customer's status link.

``pdf`` turns HTML into PDF with WeasyPrint (CJK fonts embedded, nothing fetched from outside),
``qr`` draws the status link as a QR code, ``render`` puts an order's data into the document's
template in the requested language. The data come from ``workshop.selectors.documents``.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentKind(models.TextChoices):
    WORK_ORDER = "work-order", _("Work order")
    REPAIR_CARD = "repair-card", _("Repair card")
    STATEMENT = "statement", _("Settlement statement")


# The documents' own Chinese names: printed on every copy, whatever the language, as a form's name is.
CHINESE_TITLES = {
    DocumentKind.WORK_ORDER: "维修委托书",
    DocumentKind.REPAIR_CARD: "修护卡",
    DocumentKind.STATEMENT: "结算单",
}


class Copy(models.TextChoices):
    WORKSHOP = "workshop", _("Workshop copy")
    CUSTOMER = "customer", _("Customer copy")


class DocumentLanguage(models.TextChoices):
    CHINESE = "zh-hans", "简体中文"
    ENGLISH = "en", "English"
