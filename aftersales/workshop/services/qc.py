"""The quality check: checklists per service type, and the inspection that passes or fails an order.

* A checklist belongs to a service type and either to a service point (and the points below it) or,
  without a point, is the default for every point without one of its own. Points' own lists are kept
  by the point's managers, the defaults by head office (a role covering every point); all need
  ``workshop.add/change/delete_qcchecklist``.
* An inspection (``workshop.inspect_workorder``) of an order in quality check answers every check of
  the order's checklist (ok / not ok, with a note); it passes only when every check is ok. A failure
  needs the reasons and names the jobs to redo (default: every job); the transition ``qc_fail`` then
  counts the rework and sends those jobs back to "waiting" so the technicians clock on again. Without
  a checklist for the service type the inspector lists the checks he made himself.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from aftersales.accounts.access import scope_for
from aftersales.accounts.models import ServicePoint
from aftersales.core.audit import record_change, snapshot
from aftersales.core.choices import ServiceType
from aftersales.core.commands import command
from aftersales.core.errors import ConflictError, NotFoundError, PermissionDeniedError
from aftersales.core.inputs import as_bool, as_choice, as_id, as_text, invalid
from aftersales.core.models import AuditAction

from ..choices import JobStatus, LineKind, LineStatus, WorkOrderStatus
from ..models import JobAssignment, QcChecklist, QcInspection, WorkOrder, WorkOrderLine
from ..selectors.floor import checklist_for, checklist_get
from .transitions import locked_order, work_order_transition

MAX_ITEMS = 60
ITEM_LENGTH = 200
NOTE_LENGTH = 500


# ---- checklists ---------------------------------------------------------------------------------

def _items(value: Any) -> list[str]:
    if isinstance(value, str):
        value = value.splitlines()
    if not isinstance(value, list | tuple):
        raise invalid("items", _("List the checks, one per entry."))
    items: list[str] = []
    for raw in value:
        if not isinstance(raw, str):
            raise invalid("items", _("Each check is a line of text."))
        item = as_text(raw, "items", max_length=ITEM_LENGTH)
        if item and item not in items:
            items.append(item)
    if not items:
        raise invalid("items", _("List at least one check."))
    if len(items) > MAX_ITEMS:
        raise invalid("items", _("Use at most %(n)d checks.") % {"n": MAX_ITEMS})
    return items


def _may_keep(user, permission: str, point_id: int | None) -> bool:
    scope = scope_for(user, permission)
    return scope.everything if point_id is None else scope.covers(point_id)


def _apply(checklist: QcChecklist, data: dict, user, permission: str, *, creating: bool) -> None:
    if creating or "service_type" in data:
        checklist.service_type = as_choice(data.get("service_type"), "service_type", ServiceType)
    if creating or "service_point_id" in data:
        point_id = as_id(data.get("service_point_id"), "service_point_id", required=False)
        if point_id is not None and not ServicePoint.objects.filter(pk=point_id, is_active=True).exists():
            raise invalid("service_point_id", _("Unknown service point."))
        if not _may_keep(user, permission, point_id):
            raise invalid("service_point_id", _("Only head office keeps the default checklists.") if point_id is None
                          else _("You cannot keep checklists of this service point."))
        checklist.service_point_id = point_id
    if creating or "name" in data:
        checklist.name = as_text(data.get("name"), "name", max_length=100, required=True)
    if creating or "items" in data:
        checklist.items = _items(data.get("items"))
    if "is_active" in data:
        checklist.is_active = as_bool(data["is_active"])


def _save(checklist: QcChecklist) -> None:
    clash = QcChecklist.objects.filter(service_type=checklist.service_type,
                                       service_point_id=checklist.service_point_id).exclude(pk=checklist.pk)
    if clash.exists():
        raise invalid("service_type", _("This service point already has a checklist for this service type."))
    try:
        with transaction.atomic():
            checklist.save()
    except IntegrityError as exc:
        raise invalid("service_type", _("This service point already has a checklist for this service type.")) from exc


def checklist_create(*, user, data: dict) -> QcChecklist:
    with command():
        checklist = QcChecklist()
        _apply(checklist, data, user, "workshop.add_qcchecklist", creating=True)
        _save(checklist)
        record_change(actor=user, instance=checklist, action=AuditAction.CREATE, before=None, after=snapshot(checklist))
    return checklist


def _locked_checklist(user, pk, action: str) -> QcChecklist:
    found = checklist_get(user=user, pk=pk, action="view")
    permission = f"workshop.{action}_qcchecklist"
    scope = scope_for(user, permission)
    if not scope.allowed:
        raise PermissionDeniedError()
    if found.service_point_id is None and not scope.everything:
        raise PermissionDeniedError(_("Only head office changes the default checklists."))
    if not scope.covers(found.service_point_id):
        raise NotFoundError()  # another point's list
    return QcChecklist.objects.select_for_update().get(pk=found.pk)


def checklist_update(*, user, pk: int, data: dict) -> QcChecklist:
    with command():
        checklist = _locked_checklist(user, pk, "change")
        before = snapshot(checklist)
        _apply(checklist, data, user, "workshop.change_qcchecklist", creating=False)
        _save(checklist)
        record_change(actor=user, instance=checklist, action=AuditAction.UPDATE, before=before,
                      after=snapshot(checklist))
    return checklist


def checklist_delete(*, user, pk: int) -> None:
    with command():
        checklist = _locked_checklist(user, pk, "delete")
        record_change(actor=user, instance=checklist, action=AuditAction.DELETE, before=snapshot(checklist),
                      after=None)
        checklist.delete()


# ---- inspections --------------------------------------------------------------------------------

def _results(raw: Any, checklist: QcChecklist | None) -> list[dict]:
    if not isinstance(raw, list | tuple) or not raw:
        raise invalid("results", _("Answer every check."))
    if len(raw) > MAX_ITEMS:
        raise invalid("results", _("Use at most %(n)d checks.") % {"n": MAX_ITEMS})
    answers: dict[str, dict] = {}
    for i, row in enumerate(raw):
        if not isinstance(row, dict):
            raise invalid(f"results.{i}", _("Each answer names the check, ok or not, and a note."))
        item = as_text(row.get("item"), f"results.{i}.item", max_length=ITEM_LENGTH, required=True)
        ok = row.get("ok")
        if isinstance(ok, str):
            ok = {"true": True, "1": True, "ok": True, "false": False, "0": False}.get(ok.strip().lower(), ok)
        if not isinstance(ok, bool):
            raise invalid(f"results.{i}.ok", _("Say whether the check is ok."))
        note = as_text(row.get("note"), f"results.{i}.note", max_length=NOTE_LENGTH)
        if item in answers:
            raise invalid(f"results.{i}.item", _("“%(item)s” is answered twice.") % {"item": item})
        answers[item] = {"item": item, "ok": ok, "note": note}
    if checklist is None:
        return list(answers.values())
    unknown = [item for item in answers if item not in checklist.items]
    if unknown:
        raise invalid("results", _("Not on the checklist: %(items)s.") % {"items": ", ".join(unknown)})
    missing = [item for item in checklist.items if item not in answers]
    if missing:
        raise invalid("results", _("Not answered: %(items)s.") % {"items": ", ".join(missing)})
    return [answers[item] for item in checklist.items]


def _jobs(order: WorkOrder):
    return WorkOrderLine.objects.filter(work_order=order, kind=LineKind.LABOUR, status=LineStatus.APPROVED)


def _redo_lines(order: WorkOrder, raw: Any) -> list[WorkOrderLine]:
    jobs = {line.pk: line for line in _jobs(order).order_by("sequence", "id")}
    if raw in (None, "", []):
        return list(jobs.values())
    if not isinstance(raw, list | tuple):
        raise invalid("redo_line_ids", _("Name the jobs to redo."))
    chosen = []
    for value in raw:
        pk = as_id(value, "redo_line_ids")
        if pk not in jobs:
            raise invalid("redo_line_ids", _("Line %(id)s is not a job of this order.") % {"id": pk})
        if jobs[pk] not in chosen:
            chosen.append(jobs[pk])
    return chosen


def qc_inspect(*, user, order_id: int, results: Any, reasons: str = "", redo_line_ids: Any = None) -> QcInspection:
    """Record the inspection and move the order on: ``qc_pass`` to settlement or ``qc_fail`` back to repair."""
    with command():
        order = locked_order(user, order_id)
        if not scope_for(user, "workshop.inspect_workorder").covers(order.service_point_id):
            raise PermissionDeniedError()
        if order.status != WorkOrderStatus.QUALITY_CHECK:
            message = _("Order %(order)s is “%(state)s”, not waiting for the quality check.") % {
                "order": order.number, "state": order.get_status_display()}
            raise ConflictError("invalid_state", message, {"status": [message]})
        checklist = checklist_for(order)
        answers = _results(results, checklist)
        passed = all(answer["ok"] for answer in answers)
        reasons = as_text(reasons, "reasons", max_length=2000)
        redo: list[WorkOrderLine] = []
        if not passed:
            if not reasons:
                raise invalid("reasons", _("Say why the check failed."))
            redo = _redo_lines(order, redo_line_ids)
            if not redo:
                raise invalid("redo_line_ids", _("The order has no job to redo."))
        inspection = QcInspection.objects.create(
            work_order=order, inspector=user, checklist=checklist, passed=passed, results=answers, reasons=reasons,
            rework_round=order.rework_count)
        if redo:
            inspection.redo_lines.set(redo)
        failed = [answer["item"] for answer in answers if not answer["ok"]]
        work_order_transition(
            user=user, order=order, name="qc_pass" if passed else "qc_fail",
            note=reasons if not passed else "",
            data={"inspection_id": inspection.pk, "failed_checks": failed,
                  "redo_line_ids": [line.pk for line in redo]})
    return inspection


def order_send_jobs_back(*, order: WorkOrder, user, data: dict) -> None:
    """Effect of ``qc_fail``: the jobs named by the inspection (default all) wait for the technicians again."""
    ids = data.get("redo_line_ids") or list(_jobs(order).values_list("pk", flat=True))
    lines = _jobs(order).filter(pk__in=ids)
    lines.update(job_status=JobStatus.WAITING, done_at=None)
    JobAssignment.objects.filter(line__in=lines).update(done_at=None, standard_share=0)
