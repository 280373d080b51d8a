from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CustomerKind(models.TextChoices):
    PERSON = "person", _("Person")
    ORGANISATION = "organisation", _("Organisation")


class Segment(models.TextChoices):
    PRIVATE = "private", _("Private car")
    COMPANY = "company", _("Company / government car")
    TAXI = "taxi", _("Taxi")
    FLEET = "fleet", _("Fleet")
    INSURANCE = "insurance", _("Insurance / accident")


class IdType(models.TextChoices):
    RESIDENT_ID = "resident_id", _("Resident ID card")
    PASSPORT = "passport", _("Passport")
    CREDIT_CODE = "credit_code", _("Unified social credit code")
    OTHER = "other", _("Other")


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone call")
    SMS = "sms", _("SMS")
    WECHAT = "wechat", _("WeChat")
    EMAIL = "email", _("E-mail")


class PhoneKind(models.TextChoices):
    MOBILE = "mobile", _("Mobile")
    HOME = "home", pgettext_lazy("phone kind", "Home")
    WORK = "work", _("Work")
    OTHER = "other", _("Other")


class CreditRating(models.TextChoices):
    GOOD = "good", _("Good")
    NORMAL = "normal", _("Normal")
    WATCH = "watch", _("Watch")
    BLOCKED = "blocked", _("Cash only")


class AbcClass(models.TextChoices):
    A = "A", _("A — good credit, long relationship, frequent, large amounts")
    B = "B", _("B — regular")
    C = "C", _("C — occasional")


class ValueTier(models.TextChoices):
    GOLD = "gold", _("Gold (金牌)")
    SILVER = "silver", _("Silver (银牌)")
    BRONZE = "bronze", _("Bronze (铜牌)")
    IRON = "iron", _("Iron (铁牌)")
    LEAD = "lead", _("Lead (铅牌)")


class ClassDimension(models.TextChoices):
    ABC = "abc", _("A/B/C class")
    TIER = "tier", _("Value tier")


class FollowUpPriority(models.TextChoices):
    HIGH = "high", _("High")
    NORMAL = "normal", _("Normal")
    LOW = "low", _("Low")


# Classes of each dimension from best to worst: rules are tried in this order, the first match wins.
CLASS_ORDER: dict[str, list[str]] = {
    ClassDimension.ABC: [c.value for c in AbcClass],
    ClassDimension.TIER: [t.value for t in ValueTier],
}
