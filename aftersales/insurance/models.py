"""Insurance claims handled for the customer (代理理赔): one claim per accident work order.

``InsuranceClaim.status`` changes only through ``services.transitions.insurance_claim_transition``;
the documents checklist has one row per document the insurer asks for; every step is an
``InsuranceClaimEvent`` on the claim's timeline. A claim belongs to its work order's service point.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aftersales.core.models import TimeStampedModel
from aftersales.core.money import to_money
from aftersales.core.querysets import RestrictedQuerySet

from .choices import DOCUMENT_RULES, ClaimStatus, DocumentCode, DocumentStage

MONEY = {"max_digits": 14, "decimal_places": 2}


class InsuranceClaim(TimeStampedModel):
    work_order = models.OneToOneField("workshop.WorkOrder", verbose_name=_("work order"), on_delete=models.PROTECT,
                                      related_name="insurance_claim")
    status = models.CharField(_("status"), max_length=24, choices=ClaimStatus.choices,
                              default=ClaimStatus.COVERAGE_CONFIRMED, editable=False)
    # the policy, in force on the accident date (copied so that the claim reads the same if the policy changes)
    coverage = models.ForeignKey("assets.Coverage", verbose_name=_("insurance policy"), on_delete=models.PROTECT,
                                 related_name="insurance_claims")
    insurer = models.CharField(_("insurer"), max_length=100)
    policy_number = models.CharField(_("policy number"), max_length=64)
    # the accident
    accident_date = models.DateField(_("accident date"))
    accident_place = models.CharField(_("accident place"), max_length=200, blank=True)
    accident_description = models.TextField(_("what happened"), blank=True)
    # report to the insurer (报案)
    report_number = models.CharField(_("report number (报案号)"), max_length=64, blank=True)
    reported_by = models.CharField(_("reported by"), max_length=100, blank=True,
                                   help_text=_("Who called the insurer: the owner or one of us."))
    reported_at = models.DateTimeField(_("reported at"), null=True, blank=True)
    # joint damage assessment (定损)
    assessor_name = models.CharField(_("insurer's assessor"), max_length=100, blank=True)
    assessed_on = models.DateField(_("assessed on"), null=True, blank=True)
    assessed_amount = models.DecimalField(_("assessed amount"), null=True, blank=True, **MONEY)
    deductible = models.DecimalField(_("deductible / customer's share"), default=Decimal("0.00"), **MONEY)
    assessment_notes = models.TextField(_("assessment notes"), blank=True)
    # submission and payment
    claim_number = models.CharField(_("claim number (理赔号)"), max_length=64, blank=True)
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True, editable=False)
    paid_amount = models.DecimalField(_("amount received"), null=True, blank=True, editable=False, **MONEY)
    payment = models.OneToOneField("workshop.Payment", verbose_name=_("payment on the work order"), null=True,
                                   blank=True, on_delete=models.PROTECT, related_name="insurance_claim",
                                   editable=False)
    closed_reason = models.CharField(_("reason for closing"), max_length=255, blank=True, editable=False)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        verbose_name = _("insurance claim")
        verbose_name_plural = _("insurance claims")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["status", "-id"], name="claim_status_idx"),
            models.Index(fields=["insurer", "-id"], name="claim_insurer_idx"),
            models.Index(fields=["accident_date"], name="claim_accident_idx"),
            models.Index(fields=["report_number"], name="claim_report_idx"),
            models.Index(fields=["claim_number"], name="claim_number_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(deductible__gte=0), name="claim_deductible_not_negative"),
            models.CheckConstraint(condition=Q(assessed_amount__isnull=True) | Q(assessed_amount__gte=0),
                                   name="claim_assessed_not_negative"),
        ]

    def __str__(self) -> str:
        number = getattr(self.work_order, "number", "") if self.work_order_id else ""
        return f"{self.insurer} · {self.report_number or number}"

    def get_absolute_url(self) -> str:
        return f"/insurance/{self.pk}/"

    @classmethod
    def restrict_q(cls, point_ids) -> Q:
        return Q(work_order__service_point_id__in=point_ids)

    @property
    def insurer_share(self) -> Decimal | None:
        """What the insurer pays by the assessment: the assessed amount less the deductible."""
        if self.assessed_amount is None:
            return None
        return to_money(max(self.assessed_amount - (self.deductible or 0), Decimal("0.00")))


def _scan_path(instance, filename: str) -> str:
    return f"insurance/claims/{instance.claim_id}/{filename}"


class InsuranceClaimDocument(models.Model):
    """One line of the documents checklist: received or not, when, and an optional scan."""

    claim = models.ForeignKey(InsuranceClaim, on_delete=models.CASCADE, related_name="documents")
    code = models.CharField(_("document"), max_length=24, choices=DocumentCode.choices)
    required = models.BooleanField(_("required"), default=True)
    received = models.BooleanField(_("received"), default=False)
    received_on = models.DateField(_("received on"), null=True, blank=True)
    scan = models.FileField(_("scan"), upload_to=_scan_path, blank=True, max_length=200)
    scan_name = models.CharField(_("file name"), max_length=200, blank=True)
    scan_type = models.CharField(_("file type"), max_length=40, blank=True)
    scan_size = models.PositiveIntegerField(_("file size"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("claim document")
        verbose_name_plural = _("claim documents")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["claim", "code"], name="claim_document_unique")]

    def __str__(self) -> str:
        return self.get_code_display()

    @classmethod
    def restrict_q(cls, point_ids) -> Q:
        return Q(claim__work_order__service_point_id__in=point_ids)

    @property
    def stage(self) -> str:
        return DOCUMENT_RULES.get(self.code, (False, DocumentStage.DOCUMENTS))[1]


class InsuranceClaimEvent(models.Model):
    """One step on the claim's timeline: who, when, from which state to which, the data given."""

    claim = models.ForeignKey(InsuranceClaim, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("event"), max_length=32)
    from_status = models.CharField(_("from"), max_length=24, blank=True)
    to_status = models.CharField(_("to"), max_length=24, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(_("time"), auto_now_add=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("claim event")
        verbose_name_plural = _("claim events")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["claim", "at"], name="claim_event_claim_idx")]

    def __str__(self) -> str:
        return f"{self.claim_id} {self.kind}"

    @classmethod
    def restrict_q(cls, point_ids) -> Q:
        return Q(claim__work_order__service_point_id__in=point_ids)
