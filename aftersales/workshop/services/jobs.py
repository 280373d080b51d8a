"""Technicians on jobs: assignment, the start and end of the repair, clocking on and off, corrections.

Rules (where the issue is silent, decided here):

* A *job* is a labour line the customer approved. The advisor (``workshop.dispatch_workorder``)
  assigns technicians — users holding ``workshop.add_timeentry`` at the order's point; several may
  share a job. A technician who has clocked time on a job stays on it (his time is on record).
* Clock on: only an assigned technician, only on a job that is not done, of an order approved or in
  repair; one open entry per technician (also a database constraint): clocking onto a second job is
  refused naming the job he is on.
* The first clock-on on an approved order starts the repair, in the same transaction, through the
  transition ``start_repair_on_clock_on`` (the technician's permission to clock, and the guard that
  he is clocked on to a job of the order); its event says the system started it on his behalf.
* Clock off with a reason: ``pause``, ``shift_end`` or ``done``. A job is done when a technician
  clocks off saying done and nobody else is still clocked on to it; while others are still on it,
  his "done" ends only his own stretch and the last one to leave says done for the job. A
  technician who is not clocked on may still say done for a paused job of his that has time on it.
* Figures, kept from the entries (never typed): ``actual_hours`` of the line = all closed time;
  per technician on his assignment, ``clocked_seconds``; once done, ``standard_share`` = the line's
  standard hours split equally between the technicians who clocked time on it (the last cent goes
  to the first ones), so the shares add up to the job's standard hours.
* A foreman or manager (``workshop.change_timeentry``) may correct an entry's start, end, reason and
  note (audited; entries of one technician may not overlap; nothing in the future).
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_DOWN, Decimal

from django.db import IntegrityError, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.access import scope_for
from aftersales.accounts.models import User
from aftersales.core.audit import record_change, snapshot
from aftersales.core.commands import command
from aftersales.core.errors import ConflictError, NotFoundError, PermissionDeniedError
from aftersales.core.inputs import as_choice, as_datetime, as_id, as_text, invalid, is_row_id
from aftersales.core.models import AuditAction

from ..choices import JobStatus, LineKind, LineStatus, TimeEntryEnd, WorkOrderStatus
from ..models import JobAssignment, TimeEntry, WorkOrder, WorkOrderEvent, WorkOrderLine
from ..selectors.floor import CLOCKABLE_STATUSES, hours, open_entry_of
from .transitions import locked_order, locked_order_of_line, work_order_transition

S = WorkOrderStatus
MAX_TECHNICIANS = 20


def _event(order: WorkOrder, kind: str, user, note: str = "", data: dict | None = None) -> None:
    WorkOrderEvent.objects.create(work_order=order, kind=kind, actor=user if getattr(user, "is_authenticated", False)
                                  else None, note=note[:500], data=data or {})


def _require_at(user, permission: str, order: WorkOrder) -> None:
    if not scope_for(user, permission).covers(order.service_point_id):
        raise PermissionDeniedError()


def _job_of(order: WorkOrder, line_id, *, lock: bool = True) -> WorkOrderLine:
    """The order's labour line ``line_id`` (404 when it is not one of the order's lines)."""
    if not is_row_id(line_id):
        raise NotFoundError()
    qs = WorkOrderLine.objects.filter(pk=line_id, work_order=order)
    if lock:
        qs = qs.select_for_update(of=("self",))
    line = qs.first()
    if line is None:
        raise NotFoundError()
    line.work_order = order
    return line


def _require_job(line: WorkOrderLine) -> None:
    if line.kind != LineKind.LABOUR or line.status != LineStatus.APPROVED:
        message = _("Line %(n)s is not a labour line the customer approved.") % {"n": line.sequence}
        raise ConflictError("not_a_job", message, {"line_id": [message]})


def _order_of_line(user, line_id, permission: str) -> tuple[WorkOrder, WorkOrderLine]:
    """Lock the order of a job (orders first, then lines: one lock order everywhere)."""
    order = locked_order_of_line(user, line_id, permission)
    return order, _job_of(order, line_id)


def _line_refresh(line: WorkOrderLine) -> None:
    """Recompute the line's clocked hours and its technicians' figures from the entries."""
    per = {row["technician_id"]: row for row in
           TimeEntry.objects.filter(line=line).values("technician_id")
           .annotate(seconds=Sum("seconds"), entries=Count("id")).order_by()}
    line.actual_hours = hours(sum(row["seconds"] or 0 for row in per.values()))
    line.save(update_fields=["actual_hours", "job_status", "done_at"])
    assignments = list(JobAssignment.objects.filter(line=line).order_by("assigned_at", "id"))
    holders = [a for a in assignments if a.technician_id in per]
    shares = _split(line.quantity, len(holders)) if line.job_status == JobStatus.DONE else []
    share_of = {a.pk: share for a, share in zip(holders, shares, strict=False)}
    changed = []
    for a in assignments:
        seconds = (per.get(a.technician_id) or {}).get("seconds") or 0
        done_at = line.done_at if a.pk in share_of else None
        share = share_of.get(a.pk, Decimal("0.00"))
        if (a.clocked_seconds, a.done_at, a.standard_share) != (seconds, done_at, share):
            a.clocked_seconds, a.done_at, a.standard_share = seconds, done_at, share
            changed.append(a)
    if changed:
        JobAssignment.objects.bulk_update(changed, ["clocked_seconds", "done_at", "standard_share"])


def _split(total: Decimal, parts: int) -> list[Decimal]:
    if parts <= 0:
        return []
    base = (total / parts).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
    cents = int(((total - base * parts) * 100).to_integral_value())
    return [base + (Decimal("0.01") if i < cents else Decimal("0")) for i in range(parts)]


# ---- assignment ---------------------------------------------------------------------------------

def job_assign(*, user, order_id: int, line_id: int, technician_ids: list) -> WorkOrderLine:
    """Assign technicians to a job (those already on it stay; the call is idempotent)."""
    with command():
        order = locked_order(user, order_id)
        _require_at(user, "workshop.dispatch_workorder", order)
        line = _job_of(order, line_id)
        _require_job(line)
        if order.status not in CLOCKABLE_STATUSES:
            message = _("Technicians are assigned once the estimate is approved and until the repair is finished.")
            raise ConflictError("invalid_state", message, {"status": [message]})
        if not isinstance(technician_ids, list | tuple) or not technician_ids:
            raise invalid("technician_ids", _("Choose at least one technician."))
        if len(technician_ids) > MAX_TECHNICIANS:
            raise invalid("technician_ids", _("Choose at most %(n)d technicians.") % {"n": MAX_TECHNICIANS})
        ids = list(dict.fromkeys(as_id(value, "technician_ids") for value in technician_ids))
        technicians = {u.pk: u for u in User.objects.filter(pk__in=ids, is_active=True)}
        for pk in ids:
            tech = technicians.get(pk)
            if tech is None or not scope_for(tech, "workshop.add_timeentry").covers(order.service_point_id):
                raise invalid("technician_ids", _("User %(id)s is not a technician of this service point.") % {"id": pk})
        existing = set(JobAssignment.objects.filter(line=line).values_list("technician_id", flat=True))
        added = [pk for pk in ids if pk not in existing]
        JobAssignment.objects.bulk_create([
            JobAssignment(line=line, technician_id=pk, assigned_by=user, service_point_id=order.service_point_id)
            for pk in added])
        if not line.job_status:
            line.job_status = JobStatus.WAITING
            line.save(update_fields=["job_status"])
        if added:
            _event(order, "job_assigned", user, note=", ".join(str(technicians[pk]) for pk in added),
                   data={"line_id": line.pk, "technician_ids": added})
    return line


def job_unassign(*, user, order_id: int, line_id: int, technician_id: int) -> None:
    with command():
        order = locked_order(user, order_id)
        _require_at(user, "workshop.dispatch_workorder", order)
        line = _job_of(order, line_id)
        if not is_row_id(technician_id):
            raise NotFoundError()
        assignment = JobAssignment.objects.filter(line=line, technician_id=technician_id).select_related(
            "technician").first()
        if assignment is None:
            raise NotFoundError()
        if TimeEntry.objects.filter(line=line, technician_id=technician_id).exists():
            message = _("%(name)s has clocked time on this job; he stays on it.") % {"name": assignment.technician}
            raise ConflictError("has_time", message, {"technician_id": [message]})
        assignment.delete()
        _event(order, "job_unassigned", user, note=str(assignment.technician),
               data={"line_id": line.pk, "technician_id": technician_id})


# ---- start and finish of the repair ------------------------------------------------------------

def work_order_start_repair(*, user, order_id: int, note: str = "") -> WorkOrder:
    note = as_text(note, "note", max_length=500)
    return work_order_transition(user=user, order=order_id, name="start_repair", note=note)


def work_order_finish_repair(*, user, order_id: int, note: str = "") -> WorkOrder:
    """Report the repair finished (the guard: no pending supplement, nobody clocked on, every job done,
    no part short); the effect issues the reserved parts."""
    note = as_text(note, "note", max_length=500)
    return work_order_transition(user=user, order=order_id, name="finish_repair", note=note)


# ---- clocking -----------------------------------------------------------------------------------

def _describe(line: WorkOrderLine) -> str:
    return _("job %(n)s “%(job)s” of order %(order)s") % {
        "n": line.sequence, "job": line.description, "order": line.work_order.number}


def job_clock_on(*, user, line_id: int, note: str = "") -> WorkOrderLine:
    note = as_text(note, "note", max_length=255)
    with command():
        order, line = _order_of_line(user, line_id, "workshop.add_timeentry")
        _require_at(user, "workshop.add_timeentry", order)
        _require_job(line)
        if order.status not in CLOCKABLE_STATUSES:
            message = _("Order %(order)s is “%(state)s”: clocking is possible once it is approved and while it is "
                        "in repair.") % {"order": order.number, "state": order.get_status_display()}
            raise ConflictError("invalid_state", message, {"status": [message]})
        if line.job_status == JobStatus.DONE:
            message = _("This job is done.")
            raise ConflictError("job_done", message, {"line_id": [message]})
        if not JobAssignment.objects.filter(line=line, technician=user).exists():
            raise PermissionDeniedError(_("You are not assigned to this job; ask the service advisor."))
        current = open_entry_of(user)
        if current is not None:
            raise _already_on(current, line)
        try:
            with transaction.atomic():
                entry = TimeEntry.objects.create(line=line, technician=user, started_at=timezone.now(), note=note)
        except IntegrityError as exc:  # clocked on elsewhere at the same moment
            current = open_entry_of(user)
            raise _already_on(current, line) from exc
        line.job_status = JobStatus.IN_PROGRESS
        line.save(update_fields=["job_status"])
        _event(order, "clock_on", user, note=_describe(line), data={"line_id": line.pk, "entry_id": entry.pk})
        if order.status == S.APPROVED:
            work_order_transition(
                user=user, order=order, name="start_repair_on_clock_on",
                note=_("Started by the system on %(name)s's first clock-on (%(job)s).") % {
                    "name": user, "job": _describe(line)},
                actor_label=_("system"), data={"by": "system", "on_behalf_of": user.pk, "line_id": line.pk})
            order.status = S.IN_REPAIR
    return line


def _already_on(current: TimeEntry | None, line: WorkOrderLine) -> ConflictError:
    if current is not None and current.line_id == line.pk:
        message = _("You are already clocked on to this job.")
    elif current is not None:
        message = _("You are clocked on to %(job)s; clock off there first.") % {"job": _describe(current.line)}
    else:
        message = _("You are clocked on to another job; clock off there first.")
    return ConflictError("already_clocked_on", message, {"line_id": [message]})


def job_clock_off(*, user, line_id: int, reason: str, note: str = "") -> WorkOrderLine:
    reason = as_choice(reason, "reason", TimeEntryEnd)
    note = as_text(note, "note", max_length=255)
    with command():
        order, line = _order_of_line(user, line_id, "workshop.add_timeentry")
        _require_at(user, "workshop.add_timeentry", order)
        entry = TimeEntry.objects.select_for_update().filter(line=line, technician=user, ended_at__isnull=True).first()
        others_on = TimeEntry.objects.filter(line=line, ended_at__isnull=True).exclude(technician=user).exists()
        now = timezone.now()
        if entry is None:
            _done_without_entry(user, order, line, reason, others_on)
        else:
            entry.ended_at = now
            entry.end_reason = reason
            entry.seconds = max(int((now - entry.started_at).total_seconds()), 0)
            if note:
                entry.note = note
            entry.save(update_fields=["ended_at", "end_reason", "seconds", "note"])
            if others_on:
                line.job_status = JobStatus.IN_PROGRESS
            elif reason == TimeEntryEnd.DONE:
                line.job_status, line.done_at = JobStatus.DONE, now
            else:
                line.job_status = JobStatus.PAUSED
        _line_refresh(line)
        data = {"line_id": line.pk, "reason": reason, "job_status": line.job_status}
        if entry is not None:
            data.update(entry_id=entry.pk, seconds=entry.seconds)
        _event(order, "job_done" if line.job_status == JobStatus.DONE else "clock_off", user,
               note=f"{_describe(line)} · {TimeEntryEnd(reason).label}", data=data)
    return line


def _done_without_entry(user, order: WorkOrder, line: WorkOrderLine, reason: str, others_on: bool) -> None:
    if reason != TimeEntryEnd.DONE:
        message = _("You are not clocked on to this job.")
        raise ConflictError("not_clocked_on", message, {"line_id": [message]})
    if not JobAssignment.objects.filter(line=line, technician=user).exists():
        raise PermissionDeniedError(_("You are not assigned to this job; ask the service advisor."))
    if line.job_status == JobStatus.DONE:
        message = _("This job is done.")
        raise ConflictError("job_done", message, {"line_id": [message]})
    if others_on:
        message = _("Someone is still clocked on to this job; the last one to clock off says done.")
        raise ConflictError("others_clocked_on", message, {"line_id": [message]})
    if not TimeEntry.objects.filter(line=line).exists():
        message = _("Nobody has clocked time on this job yet; clock on first.")
        raise ConflictError("no_time", message, {"line_id": [message]})
    if order.status not in CLOCKABLE_STATUSES:
        message = _("The repair of this order is no longer open.")
        raise ConflictError("invalid_state", message, {"status": [message]})
    line.job_status, line.done_at = JobStatus.DONE, timezone.now()


# ---- corrections --------------------------------------------------------------------------------

def time_entry_correct(*, user, pk: int, data: dict) -> TimeEntry:
    """A foreman's correction of an entry (start, end, reason, note); audited, figures recomputed."""
    with command():
        if not is_row_id(pk):
            raise NotFoundError()
        found = TimeEntry.objects.restrict(user, "change").filter(pk=pk).values_list(
            "line__work_order_id", flat=True).first()
        if found is None:
            raise NotFoundError()
        order = locked_order(user, found, "workshop.change_timeentry")
        entry = TimeEntry.objects.select_for_update(of=("self",)).select_related("line").get(pk=pk)
        line = entry.line
        line.work_order = order
        before = snapshot(entry)
        if "started_at" in data:
            entry.started_at = as_datetime(data["started_at"], "started_at", required=True)
        if "ended_at" in data:
            entry.ended_at = as_datetime(data["ended_at"], "ended_at")
            if entry.ended_at is None and before["ended_at"] is not None:
                raise invalid("ended_at", _("A closed entry cannot be opened again; the technician clocks on anew."))
        if "end_reason" in data:
            entry.end_reason = as_choice(data["end_reason"], "end_reason", TimeEntryEnd, required=False)
        if "note" in data:
            entry.note = as_text(data["note"], "note", max_length=255)
        _validate_entry(entry)
        entry.seconds = int((entry.ended_at - entry.started_at).total_seconds()) if entry.ended_at else 0
        entry.save()
        still_open = TimeEntry.objects.filter(line=line, ended_at__isnull=True).exists()
        if line.job_status != JobStatus.DONE:
            line.job_status = JobStatus.IN_PROGRESS if still_open else (
                JobStatus.PAUSED if TimeEntry.objects.filter(line=line).exists() else JobStatus.WAITING)
        _line_refresh(line)
        record_change(actor=user, instance=entry, action=AuditAction.UPDATE, before=before, after=snapshot(entry),
                      note="time entry corrected")
        _event(order, "time_corrected", user, note=f"{entry.technician} · {_describe(line)}",
               data={"line_id": line.pk, "entry_id": entry.pk})
    return entry


def _validate_entry(entry: TimeEntry) -> None:
    now = timezone.now() + dt.timedelta(minutes=1)
    if entry.started_at > now:
        raise invalid("started_at", _("Clocking on cannot lie in the future."))
    if entry.ended_at is not None:
        if entry.ended_at > now:
            raise invalid("ended_at", _("Clocking off cannot lie in the future."))
        if entry.ended_at < entry.started_at:
            raise invalid("ended_at", _("Clocking off cannot come before clocking on."))
        if entry.ended_at - entry.started_at > dt.timedelta(hours=24):
            raise invalid("ended_at", _("One entry cannot last more than 24 hours."))
        if not entry.end_reason:
            entry.end_reason = TimeEntryEnd.SHIFT_END
    else:
        entry.end_reason = ""
        if TimeEntry.objects.filter(technician_id=entry.technician_id, ended_at__isnull=True).exclude(
                pk=entry.pk).exists():
            raise invalid("ended_at", _("The technician is clocked on elsewhere; this entry needs an end."))
    end = entry.ended_at or timezone.now()
    overlap = TimeEntry.objects.filter(technician_id=entry.technician_id).exclude(pk=entry.pk).filter(
        Q(started_at__lt=end) & (Q(ended_at__isnull=True) | Q(ended_at__gt=entry.started_at)))
    if overlap.exists():
        raise invalid("started_at", _("This overlaps another entry of the same technician."))
