"""Customer archives (客户档案): basic data, characteristics, financial and derived transaction status."""

from __future__ import annotations

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.models import ServicePoint
from aftersales.core.models import TimeStampedModel

from .choices import (
    AbcClass,
    Channel,
    ClassDimension,
    CreditRating,
    CustomerKind,
    FollowUpPriority,
    IdType,
    PhoneKind,
    Segment,
    ValueTier,
)


class Customer(TimeStampedModel):
    kind = models.CharField(_("kind"), max_length=16, choices=CustomerKind.choices, default=CustomerKind.PERSON)
    name = models.CharField(_("name"), max_length=100)
    # Search keys kept by the services: full pinyin ("zhangsan") and initials ("zs"), lower case.
    name_pinyin = models.CharField(_("pinyin"), max_length=300, blank=True, editable=False)
    name_initials = models.CharField(_("initials"), max_length=100, blank=True, editable=False)
    contact_person = models.CharField(_("contact person"), max_length=100, blank=True)
    gender = models.CharField(_("gender"), max_length=1, blank=True, choices=[("M", _("male")), ("F", _("female"))])
    birthday = models.DateField(_("birthday"), null=True, blank=True)
    id_type = models.CharField(_("ID type"), max_length=16, choices=IdType.choices, blank=True)
    id_number = models.CharField(_("ID number"), max_length=32, blank=True, db_index=True)
    wechat = models.CharField(_("WeChat id"), max_length=64, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    segment = models.CharField(_("segment"), max_length=16, choices=Segment.choices, default=Segment.PRIVATE)
    # characteristics
    preferences = models.TextField(_("preferences"), blank=True)
    preferred_channel = models.CharField(_("preferred channel"), max_length=16, choices=Channel.choices,
                                         default=Channel.PHONE)
    preferred_hours = models.CharField(_("preferred contact hours"), max_length=32, blank=True,
                                       help_text=_("For example 09:00-18:00"))
    marketing_consent = models.BooleanField(_("consents to marketing"), default=False)
    # financial status
    credit_rating = models.CharField(_("credit rating"), max_length=16, choices=CreditRating.choices,
                                     default=CreditRating.NORMAL)
    credit_limit = models.DecimalField(_("credit limit"), max_digits=14, decimal_places=2, default=0)
    payment_term_days = models.PositiveSmallIntegerField(_("payment terms (days)"), default=0)
    notes = models.TextField(_("notes"), blank=True)
    referred_by = models.ForeignKey("self", verbose_name=_("referred by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="referrals")
    home_point = models.ForeignKey(ServicePoint, verbose_name=_("home service point"), on_delete=models.PROTECT,
                                   related_name="customers")
    # transaction status: derived from work orders, never typed by hand
    first_visit_at = models.DateTimeField(_("first visit"), null=True, blank=True, editable=False)
    last_visit_at = models.DateTimeField(_("last visit"), null=True, blank=True, editable=False)
    visit_count = models.PositiveIntegerField(_("visits"), default=0, editable=False)
    total_spend = models.DecimalField(_("total spend"), max_digits=14, decimal_places=2, default=0, editable=False)
    outstanding_balance = models.DecimalField(_("outstanding balance"), max_digits=14, decimal_places=2, default=0,
                                              editable=False)
    open_orders = models.PositiveIntegerField(_("open orders"), default=0, editable=False)
    # classification, computed by rules
    abc_class = models.CharField(_("class"), max_length=1, choices=AbcClass.choices, blank=True, editable=False)
    value_tier = models.CharField(_("value tier"), max_length=8, choices=ValueTier.choices, blank=True,
                                  editable=False)
    classified_at = models.DateTimeField(_("classified at"), null=True, blank=True, editable=False)
    merged_into = models.ForeignKey("self", verbose_name=_("merged into"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+", editable=False)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        permissions = [
            ("merge_customer", _("Can merge duplicate customer archives")),
            ("classify_customer", _("Can recompute customer classification")),
            ("export_customer", _("Can export customer lists")),
            ("add_duplicate_customer", _("Can create an archive although another has the same phone or ID")),
        ]
        indexes = [
            models.Index(fields=["home_point", "-id"], name="cust_point_id_idx"),
            models.Index(fields=["name_initials"], name="cust_initials_idx"),
            models.Index(fields=["name_pinyin"], name="cust_pinyin_idx"),
            models.Index(fields=["abc_class", "value_tier"], name="cust_class_idx"),
            models.Index(fields=["segment", "-id"], name="cust_segment_idx"),
            models.Index(fields=["value_tier", "-id"], name="cust_tier_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return f"/customers/{self.pk}/"

    @classmethod
    def restrict_q(cls, point_ids) -> Q:
        """Visible at its home point and at every point where the customer has business."""
        linked = CustomerPointLink.objects.filter(customer_id=OuterRef("pk"), service_point_id__in=point_ids)
        return Q(home_point_id__in=point_ids) | Q(Exists(linked))


class CustomerPhone(models.Model):
    customer = models.ForeignKey(Customer, verbose_name=_("customer"), on_delete=models.CASCADE,
                                 related_name="phones")
    # National significant number, digits only (13812345678, 02150001234).
    number = models.CharField(_("phone"), max_length=20, db_index=True)
    kind = models.CharField(_("kind"), max_length=8, choices=PhoneKind.choices, default=PhoneKind.MOBILE)
    is_primary = models.BooleanField(_("primary"), default=False)
    # A copy of the customer's home point, kept by the services (create, change of home point, merge), so
    # that the search reads only a dealer's matching phones (its index joins the number's trigram index in
    # one bitmap scan) instead of probing every match in the country.
    home_point = models.ForeignKey(ServicePoint, on_delete=models.PROTECT, related_name="+", editable=False)

    class Meta:
        verbose_name = _("phone")
        verbose_name_plural = _("phones")
        ordering = ["-is_primary", "id"]
        constraints = [models.UniqueConstraint(fields=["customer", "number"], name="cust_phone_unique")]

    def __str__(self) -> str:
        return self.number

    def save(self, *args, **kwargs):
        if self.home_point_id is None and self.customer_id is not None:
            self.home_point_id = self.customer.home_point_id
        super().save(*args, **kwargs)


class CustomerAddress(models.Model):
    customer = models.ForeignKey(Customer, verbose_name=_("customer"), on_delete=models.CASCADE,
                                 related_name="addresses")
    label = models.CharField(_("label"), max_length=32, blank=True)
    province = models.CharField(_("province"), max_length=50, blank=True)
    city = models.CharField(_("city"), max_length=50, blank=True)
    district = models.CharField(_("district"), max_length=50, blank=True)
    street = models.CharField(_("street address"), max_length=255)
    postcode = models.CharField(_("postcode"), max_length=6, blank=True)
    is_primary = models.BooleanField(_("primary"), default=False)

    class Meta:
        verbose_name = _("address")
        verbose_name_plural = _("addresses")
        ordering = ["-is_primary", "id"]

    def __str__(self) -> str:
        return f"{self.province}{self.city}{self.district}{self.street}"


class CustomerPointLink(models.Model):
    """The customer has business at this service point, which may therefore see the archive."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="point_links")
    service_point = models.ForeignKey(ServicePoint, on_delete=models.CASCADE, related_name="customer_links")
    since = models.DateTimeField(_("since"), auto_now_add=True)
    reason = models.CharField(_("reason"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("customer at service point")
        verbose_name_plural = _("customers at service points")
        constraints = [models.UniqueConstraint(fields=["service_point", "customer"], name="cust_point_link_unique")]

    def __str__(self) -> str:
        return f"{self.customer_id}@{self.service_point_id}"


class ClassificationRule(TimeStampedModel):
    """The definition of one class (A, B, C) or value tier (gold … lead): the thresholds a customer must
    meet to be in it, and the service strategy for its members. HQ edits these rows.

    Classes are tried from best to worst (``CLASS_ORDER``); a customer gets the first class whose every
    set threshold is met. A threshold left empty is not checked, so a rule without thresholds catches
    everyone left. A customer matching no active rule of a dimension gets no class in it.
    """

    dimension = models.CharField(_("dimension"), max_length=8, choices=ClassDimension.choices)
    result = models.CharField(_("class"), max_length=8)
    rank = models.PositiveSmallIntegerField(_("rank"), default=0, editable=False)
    description = models.CharField(_("description"), max_length=200, blank=True)
    max_recency_days = models.PositiveIntegerField(
        _("last visit within (days)"), null=True, blank=True, help_text=_("Recency: days since the last visit."))
    min_visits = models.PositiveIntegerField(_("at least visits"), null=True, blank=True,
                                             help_text=_("Frequency: number of visits."))
    min_spend = models.DecimalField(_("at least spent (CNY)"), max_digits=14, decimal_places=2, null=True,
                                    blank=True, help_text=_("Monetary: total spend."))
    min_tenure_days = models.PositiveIntegerField(
        _("customer for at least (days)"), null=True, blank=True,
        help_text=_("Since the first visit (or since the archive was created when there is none)."))
    credit_ratings = models.JSONField(_("credit ratings"), default=list, blank=True,
                                      help_text=_("Only customers with one of these ratings; empty means any."))
    visit_interval_days = models.PositiveSmallIntegerField(
        _("visit every (days)"), default=180, help_text=_("Service strategy: planned contact frequency."))
    follow_up_priority = models.CharField(_("follow-up priority"), max_length=8, choices=FollowUpPriority.choices,
                                          default=FollowUpPriority.NORMAL)
    strategy = models.TextField(_("service strategy"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("classification rule")
        verbose_name_plural = _("classification rules")
        ordering = ["dimension", "rank"]
        constraints = [models.UniqueConstraint(fields=["dimension", "result"], name="cust_rule_class_unique")]

    def __str__(self) -> str:
        return f"{self.get_dimension_display()}: {self.result_label}"

    @property
    def result_label(self) -> str:
        choices = AbcClass if self.dimension == ClassDimension.ABC else ValueTier
        try:
            return str(choices(self.result).label)
        except ValueError:
            return self.result

    @property
    def credit_rating_labels(self) -> list[str]:
        labels = dict(CreditRating.choices)
        return [str(labels.get(code, code)) for code in self.credit_ratings or []]

    def get_absolute_url(self) -> str:
        return f"/customers/rules/{self.pk}/"

    @classmethod
    def restrict_q(cls, point_ids) -> Q:
        """Rules are company-wide: anyone granted the action somewhere sees all of them. Changing them
        is limited to HQ-wide roles by the services."""
        return Q()
