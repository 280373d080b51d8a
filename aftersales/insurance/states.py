"""The insurance claim's one transition table: (from, to) → name, permission, step data, guard.

Only ``services.transitions.insurance_claim_transition`` changes ``InsuranceClaim.status``: it
locks the claim, looks the pair up here, applies the step's data (``fields``), checks the
permission at the work order's point and the guard, runs the effects (the insurer's share on the
order, the insurer's payment) and writes the event, in one transaction. A guard returns the
reasons why the step may not happen now (empty: it may), so the UI can say why a button is off.

    coverage_confirmed → reported → assessed → documents_complete → repaired_settled → submitted → paid
    coverage_confirmed | reported | assessed | documents_complete → rejected | withdrawn
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.workshop.choices import BILLED_STATUSES, WorkOrderStatus

from .choices import EARLY_CLAIM_STATUSES, ClaimStatus, DocumentStage

S = ClaimStatus
CHANGE = "insurance.change_insuranceclaim"


@dataclass(frozen=True)
class Transition:
    name: str
    source: str
    target: str
    permission: str
    label: str
    guard: Callable | None = None
    fields: tuple[str, ...] = ()  # the claim fields the step may set (sent with the transition)
    note_required: bool = False


# ---- guards: each returns a list of reasons why not ---------------------------------------------

def _order_open(claim) -> list[str]:
    if claim.work_order.status == WorkOrderStatus.CANCELLED:
        return [_("The work order was cancelled; withdraw the claim instead.")]
    return []


def _reported(claim, **_kw) -> list[str]:
    reasons = _order_open(claim)
    if not claim.report_number:
        reasons.append(_("Enter the insurer's report number (报案号)."))
    return reasons


def _assessed(claim, **_kw) -> list[str]:
    reasons = _order_open(claim)
    if claim.assessed_amount is None:
        reasons.append(_("Enter the assessed amount (定损金额)."))
    return reasons


def missing_documents(claim, stage: str) -> list[str]:
    """Labels of the required documents of ``stage`` not received yet."""
    return [doc.get_code_display() for doc in claim.documents.all()
            if doc.required and not doc.received and doc.stage == stage]


def _documents_complete(claim, **_kw) -> list[str]:
    reasons = _order_open(claim)
    missing = missing_documents(claim, DocumentStage.DOCUMENTS)
    if missing:
        reasons.append(_("Documents still missing: %(documents)s.") % {"documents": ", ".join(missing)})
    return reasons


def _order_settled(claim, **_kw) -> list[str]:
    if claim.work_order.status not in BILLED_STATUSES:
        return [_("The work order is not settled yet (it is “%(state)s”).") % {
            "state": claim.work_order.get_status_display()}]
    return []


def _submitted(claim, **_kw) -> list[str]:
    reasons = []
    if not claim.claim_number:
        reasons.append(_("Enter the insurer's claim number (理赔号)."))
    missing = missing_documents(claim, DocumentStage.SUBMISSION)
    if missing:
        reasons.append(_("Documents still missing: %(documents)s.") % {"documents": ", ".join(missing)})
    return reasons


def _paid(claim, **_kw) -> list[str]:
    if claim.paid_amount is None:
        return [_("Enter the amount received from the insurer.")]
    return []


_FLOW = (
    Transition("report", S.COVERAGE_CONFIRMED, S.REPORTED, CHANGE, gettext_lazy("Reported to the insurer"), _reported,
               ("report_number", "reported_by", "reported_at")),
    Transition("assess", S.REPORTED, S.ASSESSED, CHANGE, gettext_lazy("Damage assessed"), _assessed,
               ("assessor_name", "assessed_on", "assessed_amount", "deductible", "assessment_notes")),
    Transition("documents_complete", S.ASSESSED, S.DOCUMENTS_COMPLETE, CHANGE,
               gettext_lazy("Documents complete"), _documents_complete),
    Transition("repaired_settled", S.DOCUMENTS_COMPLETE, S.REPAIRED_SETTLED, CHANGE,
               gettext_lazy("Repaired and settled"), _order_settled),
    Transition("submit", S.REPAIRED_SETTLED, S.SUBMITTED, CHANGE, gettext_lazy("Claim submitted"), _submitted,
               ("claim_number", "submitted_on")),
    Transition("pay", S.SUBMITTED, S.PAID, CHANGE, gettext_lazy("Paid by the insurer"), _paid,
               ("paid_amount", "paid_on")),
)
_CLOSING = tuple(
    t for source in EARLY_CLAIM_STATUSES for t in (
        Transition("reject", source, S.REJECTED, CHANGE, gettext_lazy("Rejected by the insurer"), note_required=True),
        Transition("withdraw", source, S.WITHDRAWN, CHANGE, gettext_lazy("Withdraw the claim"), note_required=True),
    )
)

TRANSITIONS: dict[str, Transition] = {f"{t.source}>{t.target}": t for t in (*_FLOW, *_CLOSING)}
STEP_NAMES = tuple(dict.fromkeys(t.name for t in TRANSITIONS.values()))


def transition_between(source: str, target: str) -> Transition | None:
    return TRANSITIONS.get(f"{source}>{target}")


def transitions_from(source: str) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if t.source == source]


def transition_named(source: str, name: str) -> Transition | None:
    return next((t for t in transitions_from(source) if t.name == name), None)


def guard_reasons(claim, transition: Transition) -> list[str]:
    return list(transition.guard(claim)) if transition.guard else []
