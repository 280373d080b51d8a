"""Vocabulary of insurance claims: the claim's states and the documents the insurer asks for."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ClaimStatus(models.TextChoices):
    COVERAGE_CONFIRMED = "coverage_confirmed", _("Coverage confirmed")
    REPORTED = "reported", _("Reported to the insurer")
    ASSESSED = "assessed", _("Damage assessed")
    DOCUMENTS_COMPLETE = "documents_complete", _("Documents complete")
    REPAIRED_SETTLED = "repaired_settled", _("Repaired and settled")
    SUBMITTED = "submitted", _("Claim submitted")
    PAID = "paid", _("Paid by the insurer")
    REJECTED = "rejected", _("Rejected by the insurer")
    WITHDRAWN = "withdrawn", _("Withdrawn")


OPEN_CLAIM_STATUSES = (
    ClaimStatus.COVERAGE_CONFIRMED, ClaimStatus.REPORTED, ClaimStatus.ASSESSED, ClaimStatus.DOCUMENTS_COMPLETE,
    ClaimStatus.REPAIRED_SETTLED, ClaimStatus.SUBMITTED,
)
CLOSED_CLAIM_STATUSES = (ClaimStatus.PAID, ClaimStatus.REJECTED, ClaimStatus.WITHDRAWN)
# The states before the repair is settled: the claim can still be rejected or withdrawn, and the
# assessment can still change (the insurer's share on the order follows it).
EARLY_CLAIM_STATUSES = (
    ClaimStatus.COVERAGE_CONFIRMED, ClaimStatus.REPORTED, ClaimStatus.ASSESSED, ClaimStatus.DOCUMENTS_COMPLETE,
)
# The states in which the insurer's share is on the order.
SHARE_CLAIM_STATUSES = (
    ClaimStatus.ASSESSED, ClaimStatus.DOCUMENTS_COMPLETE, ClaimStatus.REPAIRED_SETTLED, ClaimStatus.SUBMITTED,
    ClaimStatus.PAID,
)
# The path of a claim, in order (for "how far has it got" questions).
CLAIM_FLOW = (
    ClaimStatus.COVERAGE_CONFIRMED, ClaimStatus.REPORTED, ClaimStatus.ASSESSED, ClaimStatus.DOCUMENTS_COMPLETE,
    ClaimStatus.REPAIRED_SETTLED, ClaimStatus.SUBMITTED, ClaimStatus.PAID,
)


class DocumentCode(models.TextChoices):
    DRIVING_LICENCE = "driving_licence", _("Driving licence (驾驶证)")
    VEHICLE_LICENCE = "vehicle_licence", _("Vehicle licence (行驶证)")
    ID_CARD = "id_card", _("ID card (身份证)")
    POLICY_COPY = "policy_copy", _("Policy copy (保单复印件)")
    ACCIDENT_CERTIFICATE = "accident_certificate", _("Accident liability certificate (事故责任认定书)")
    AUTHORISATION = "authorisation", _("Owner's authorisation to claim (索赔授权书)")
    BANK_DETAILS = "bank_details", _("Bank account details (银行账户信息)")
    ACCIDENT_PHOTOS = "accident_photos", _("Photos of the accident (事故照片)")
    REPAIR_INVOICE = "repair_invoice", _("Repair invoice (维修发票)")


class DocumentStage(models.TextChoices):
    """When a required document must be in: before "documents complete", or before submission
    (the repair invoice exists only once the repair is settled)."""

    DOCUMENTS = "documents", _("Before the documents are complete")
    SUBMISSION = "submission", _("Before the claim is submitted")


# code → (required by default, stage)
DOCUMENT_RULES: dict[str, tuple[bool, str]] = {
    DocumentCode.DRIVING_LICENCE: (True, DocumentStage.DOCUMENTS),
    DocumentCode.VEHICLE_LICENCE: (True, DocumentStage.DOCUMENTS),
    DocumentCode.ID_CARD: (True, DocumentStage.DOCUMENTS),
    DocumentCode.POLICY_COPY: (True, DocumentStage.DOCUMENTS),
    DocumentCode.ACCIDENT_CERTIFICATE: (True, DocumentStage.DOCUMENTS),
    DocumentCode.AUTHORISATION: (True, DocumentStage.DOCUMENTS),
    DocumentCode.BANK_DETAILS: (False, DocumentStage.DOCUMENTS),
    DocumentCode.ACCIDENT_PHOTOS: (False, DocumentStage.DOCUMENTS),
    DocumentCode.REPAIR_INVOICE: (True, DocumentStage.SUBMISSION),
}
