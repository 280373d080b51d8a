"""The work order's one transition table: (from, to) → name, permission, guard.

Only ``services.transitions.work_order_transition`` changes ``WorkOrder.status``; it looks the
pair up here, checks the permission and the guard, applies the transition's effect (stock
reservations, rework count, …) and writes the event, all in one transaction. A guard returns the
reasons the transition may not happen now (empty: it may), so the UI can say why a button is off.

    reception → awaiting_approval → approved → in_repair → quality_check → ready_for_settlement
              ↖ (revise)                          ↑   (qc_fail: rework) ↓
                                                  └──────────────────────┘
    ready_for_settlement → settled → delivered;   reception | awaiting_approval | approved → cancelled
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.assets.choices import AssetKind

from .choices import ApprovalStatus, JobStatus, LineKind, LineStatus, StockState, WorkOrderStatus

S = WorkOrderStatus


@dataclass(frozen=True)
class Transition:
    name: str
    source: str
    target: str
    permission: str
    label: str
    guard: Callable | None = None
    # Done by the system on a user's behalf as part of another command (never offered as a button).
    automatic: bool = False


# ---- guards: each returns a list of reasons why not ---------------------------------------------
# A read that shows the steps (the order page, the API detail) has the order's lines and approvals
# prefetched: the guards then look at those instead of asking the database again.

def _loaded(order, name: str) -> list | None:
    """The order's ``name`` rows as a read prefetched them, or None."""
    return getattr(order, "_prefetched_objects_cache", {}).get(name)


def _lines(order) -> list:
    """The order's lines with their approvals (prefetched ones, or one query), by sequence."""
    lines = _loaded(order, "lines")
    if lines is None:
        lines = list(order.lines.select_related("approval").defer("approval__signature").order_by("sequence", "id"))
    return lines


def _has_lines_to_propose(order, **_kw) -> list[str]:
    reasons = []
    lines = _loaded(order, "lines")
    proposed = (any(line.status == LineStatus.PROPOSED for line in lines) if lines is not None
                else order.lines.filter(status=LineStatus.PROPOSED).exists())
    if not proposed:
        reasons.append(_("Add at least one line to the estimate."))
    if order.asset.kind == AssetKind.VEHICLE and order.mileage_in is None:
        reasons.append(_("Record the mileage at reception first."))
    return reasons


def _estimate_approved(order, **_kw) -> list[str]:
    approvals = _loaded(order, "approvals")
    if approvals is not None:
        estimates = [a for a in approvals if a.kind == "estimate"]
        latest = max(estimates, key=lambda a: a.sequence) if estimates else None
    else:
        latest = order.approvals.filter(kind="estimate").order_by("-sequence").first()
    if latest is None or latest.status != ApprovalStatus.APPROVED:
        return [_("The customer has not approved the estimate yet.")]
    return []


def _technician_assigned(order, **_kw) -> list[str]:
    from .models import JobAssignment

    lines = _loaded(order, "lines")
    if lines is None:
        labour = order.lines.filter(kind=LineKind.LABOUR, status=LineStatus.APPROVED)
        if not labour.exists():
            return [_("The approved estimate has no labour line to work on.")]
        assigned = labour.filter(assignments__isnull=False).exists()
    else:
        labour_ids = [line.pk for line in lines if line.kind == LineKind.LABOUR and line.status == LineStatus.APPROVED]
        if not labour_ids:
            return [_("The approved estimate has no labour line to work on.")]
        assigned = JobAssignment.objects.filter(line_id__in=labour_ids).exists()
    if not assigned:
        return [_("Assign a technician to at least one job.")]
    return []


def _repair_finished(order, **_kw) -> list[str]:
    """Reads the lines once (or takes the prefetched ones) for the three conditions on lines."""
    from .models import TimeEntry

    reasons = []
    approvals = _loaded(order, "approvals")
    if (any(a.status == ApprovalStatus.PENDING for a in approvals) if approvals is not None
            else order.approvals.filter(status=ApprovalStatus.PENDING).exists()):
        reasons.append(_("A supplement is still waiting for the customer's approval."))
    lines = _lines(order)
    unsent = [line for line in lines if line.status == LineStatus.PROPOSED and line.is_supplement
              and (line.approval_id is None or line.approval.status != ApprovalStatus.PENDING)]
    if unsent:
        reasons.append(_("Supplement lines not yet put to the customer: %(lines)s.") % {
            "lines": ", ".join(str(line.sequence) for line in unsent[:10])})
    if TimeEntry.objects.filter(line__work_order=order, ended_at__isnull=True).exists():
        reasons.append(_("A technician is still clocked on."))
    approved = [line for line in lines if line.status == LineStatus.APPROVED]
    open_jobs = [line for line in approved if line.kind == LineKind.LABOUR and line.job_status != JobStatus.DONE]
    if open_jobs:
        reasons.append(_("Not every job is done: %(jobs)s.") % {
            "jobs": ", ".join(str(line.sequence) for line in open_jobs[:10])})
    short = [line for line in approved if line.kind == LineKind.PART and line.stock_state == StockState.SHORT]
    if short:
        reasons.append(_("Parts are short of stock: %(lines)s.") % {
            "lines": ", ".join(line.description for line in short[:10])})
    return reasons


def _clocked_on_by_user(order, user=None, **_kw) -> list[str]:
    """The first clock-on starts the repair: the user must be clocked on to a job of this order."""
    from .models import TimeEntry

    if user is None or not TimeEntry.objects.filter(
            line__work_order=order, technician=user, ended_at__isnull=True,
            line__assignments__technician=user).exists():
        return [_("Clock on to one of the order's jobs to start the repair.")]
    return []


def _latest_inspection(order):
    # Only an inspection of the current round counts (``rework_round`` = the rework count when
    # inspected), so a result that already moved the order cannot move it again.
    return order.inspections.filter(rework_round=order.rework_count).order_by("-inspected_at", "-id").first()


def _passing_inspection(order, **_kw) -> list[str]:
    latest = _latest_inspection(order)
    if latest is None or not latest.passed:
        return [_("Record a passing quality check first.")]
    return []


def _failing_inspection(order, **_kw) -> list[str]:
    latest = _latest_inspection(order)
    if latest is None or latest.passed:
        return [_("Record the failed quality check with its reasons first.")]
    return []


def _settleable(order, user=None, **_kw) -> list[str]:
    """Settled only with nothing left to decide, and a balance within the customer's credit (unless
    the user may extend credit at the order's point)."""
    from aftersales.accounts.access import scope_for

    from .choices import DiscountStatus
    from .selectors.floor import customer_credit

    reasons = []
    if order.discount_requests.filter(status=DiscountStatus.PENDING).exists():
        reasons.append(_("A discount is waiting for a manager's decision."))
    if order.balance > 0 and not scope_for(user, "workshop.extend_credit_workorder").covers(order.service_point_id):
        credit = customer_credit(order)
        if order.balance > credit.remaining:
            reasons.append(_("The customer still owes %(balance)s and has %(credit)s of credit left: take the "
                             "payment first, or a manager may settle on credit.") % {
                "balance": order.balance, "credit": max(credit.remaining, 0)})
    return reasons


def _nothing_in_progress(order, **_kw) -> list[str]:
    from .models import TimeEntry

    if TimeEntry.objects.filter(line__work_order=order).exists():
        return [_("Work has been clocked on this order; it can no longer be cancelled.")]
    return []


TRANSITIONS: dict[tuple[str, str], Transition] = {
    t.source + ">" + t.target: t for t in (
        Transition("submit_estimate", S.RECEPTION, S.AWAITING_APPROVAL, "workshop.change_workorder",
                   gettext_lazy("Submit the estimate to the customer"), _has_lines_to_propose),
        Transition("revise", S.AWAITING_APPROVAL, S.RECEPTION, "workshop.change_workorder",
                   gettext_lazy("Revise the estimate")),
        Transition("approve", S.AWAITING_APPROVAL, S.APPROVED, "workshop.record_approval_workorder",
                   gettext_lazy("Estimate approved"), _estimate_approved),
        Transition("start_repair", S.APPROVED, S.IN_REPAIR, "workshop.dispatch_workorder",
                   gettext_lazy("Start the repair"), _technician_assigned),
        Transition("finish_repair", S.IN_REPAIR, S.QUALITY_CHECK, "workshop.finish_repair_workorder",
                   gettext_lazy("Repair finished, to quality check"), _repair_finished),
        Transition("qc_pass", S.QUALITY_CHECK, S.READY_FOR_SETTLEMENT, "workshop.inspect_workorder",
                   gettext_lazy("Quality check passed"), _passing_inspection),
        Transition("qc_fail", S.QUALITY_CHECK, S.IN_REPAIR, "workshop.inspect_workorder",
                   gettext_lazy("Quality check failed, back to repair"), _failing_inspection),
        Transition("settle", S.READY_FOR_SETTLEMENT, S.SETTLED, "workshop.settle_workorder",
                   gettext_lazy("Settle"), _settleable),
        Transition("deliver", S.SETTLED, S.DELIVERED, "workshop.deliver_workorder",
                   gettext_lazy("Deliver to the customer")),
        Transition("cancel", S.RECEPTION, S.CANCELLED, "workshop.cancel_workorder", gettext_lazy("Cancel")),
        Transition("cancel", S.AWAITING_APPROVAL, S.CANCELLED, "workshop.cancel_workorder", gettext_lazy("Cancel")),
        Transition("cancel", S.APPROVED, S.CANCELLED, "workshop.cancel_workorder", gettext_lazy("Cancel"),
                   _nothing_in_progress),
    )
}
# A technician's first clock-on on an approved order starts the repair. He lacks dispatch_workorder,
# so this is a transition of its own: his permission to clock, and the guard that he is clocked on.
# Same source and target as start_repair, hence a key of its own (transition_between finds start_repair).
TRANSITIONS[f"{S.APPROVED}>{S.IN_REPAIR}>clock_on"] = Transition(
    "start_repair_on_clock_on", S.APPROVED, S.IN_REPAIR, "workshop.add_timeentry",
    gettext_lazy("Repair started by the first clock-on"), _clocked_on_by_user, automatic=True)


def transition_between(source: str, target: str) -> Transition | None:
    return TRANSITIONS.get(f"{source}>{target}")


def transitions_from(source: str) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if t.source == source]


def transition_named(source: str, name: str) -> Transition | None:
    return next((t for t in transitions_from(source) if t.name == name), None)
