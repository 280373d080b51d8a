"""The workshop floor over the API: assignment, start and finish of the repair, clocking, corrections,
quality checklists and inspections, and the actual vs standard hours report."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from aftersales.accounts.access import has_permission
from aftersales.accounts.models import User
from aftersales.core.api import ERRORS, Page, keyset_page, offset_page, require
from aftersales.core.errors import PermissionDeniedError
from aftersales.core.inputs import as_id, invalid

from ..models import JobAssignment, QcInspection, TimeEntry, WorkOrder, WorkOrderLine
from ..schemas_floor import (
    AssignIn,
    ChecklistIn,
    ChecklistOut,
    ChecklistPatch,
    ClockOffIn,
    ClockOnIn,
    HoursReportOut,
    InspectionIn,
    InspectionOut,
    JobOut,
    NoteIn,
    OrderStateOut,
    TimeEntryOut,
    TimeEntryPatch,
)
from ..selectors import floor as selectors
from ..services import jobs, qc

router = Router(tags=["workshop"])
MAX_REPORT_DAYS = 366
REPORT_JOBS = 500


def _limit(value: int) -> int:
    return max(1, min(value, 200))


def person(user: User | None) -> dict | None:
    return {"id": user.pk, "name": str(user)} if user is not None else None


def assignment_out(a: JobAssignment) -> dict:
    return {"technician": person(a.technician), "clocked_hours": selectors.hours(a.clocked_seconds),
            "standard_share": a.standard_share, "assigned_at": a.assigned_at}


def job_out(line: WorkOrderLine) -> dict:
    order = line.work_order
    asset = order.asset
    return {
        "line_id": line.pk, "order_id": order.pk, "order_number": order.number, "order_status": order.status,
        "plate": asset.plate or "", "vehicle": f"{asset.brand} {asset.model}".strip(), "concerns": order.concerns,
        "sequence": line.sequence, "description": line.description, "standard_hours": line.quantity,
        "actual_hours": line.actual_hours, "job_status": line.job_status or "waiting", "done_at": line.done_at,
        "clocked_on_since": getattr(line, "my_open_started", None),
        "my_hours": selectors.hours(getattr(line, "my_seconds", 0)),
        "others_clocked_on": bool(getattr(line, "others_on", False)),
        "assignments": [assignment_out(a) for a in line.assignments.all()],
    }


def entry_out(entry: TimeEntry) -> dict:
    seconds = entry.seconds if entry.ended_at else int((timezone.now() - entry.started_at).total_seconds())
    return {"id": entry.pk, "line_id": entry.line_id, "order_id": entry.line.work_order_id,
            "order_number": entry.line.work_order.number, "technician": person(entry.technician),
            "started_at": entry.started_at, "ended_at": entry.ended_at, "end_reason": entry.end_reason,
            "hours": selectors.hours(max(seconds, 0)), "note": entry.note}


def inspection_out(inspection: QcInspection, order_status: str) -> dict:
    return {"id": inspection.pk, "work_order_id": inspection.work_order_id, "inspector": person(inspection.inspector),
            "checklist_id": inspection.checklist_id, "passed": inspection.passed, "results": inspection.results,
            "reasons": inspection.reasons, "redo_line_ids": [line.pk for line in inspection.redo_lines.all()],
            "rework_round": inspection.rework_round, "inspected_at": inspection.inspected_at,
            "order_status": order_status}


def state_out(order: WorkOrder) -> dict:
    return {"id": order.pk, "number": order.number, "status": order.status, "rework_count": order.rework_count,
            "balance": order.balance}


# ---- assignment and the repair ------------------------------------------------------------------

@router.post("/work-orders/{pk}/lines/{line_id}/assignments", response={201: JobOut, **ERRORS},
             summary="Assign technicians to a job (an approved labour line)")
def job_assign(request, pk: int, line_id: int, data: AssignIn):
    require(request.user, "workshop.dispatch_workorder")
    jobs.job_assign(user=request.user, order_id=pk, line_id=line_id, technician_ids=data.technician_ids)
    return Status(201, job_out(selectors.job_detail(user=request.user, line_id=line_id)))


@router.delete("/work-orders/{pk}/lines/{line_id}/assignments/{technician_id}", response={204: None, **ERRORS},
               summary="Take a technician off a job (only while he has no time on it)")
def job_unassign(request, pk: int, line_id: int, technician_id: int):
    require(request.user, "workshop.dispatch_workorder")
    jobs.job_unassign(user=request.user, order_id=pk, line_id=line_id, technician_id=technician_id)
    return Status(204, None)


@router.post("/work-orders/{pk}/start-repair", response={200: OrderStateOut, **ERRORS},
             summary="Send the approved order into repair (a technician must be assigned)")
def start_repair(request, pk: int, data: NoteIn):
    require(request.user, "workshop.dispatch_workorder")
    return state_out(jobs.work_order_start_repair(user=request.user, order_id=pk, note=data.note))


@router.post("/work-orders/{pk}/finish-repair", response={200: OrderStateOut, **ERRORS},
             summary="Report the repair finished: to the quality check (issues the reserved parts)")
def finish_repair(request, pk: int, data: NoteIn):
    require(request.user, "workshop.finish_repair_workorder")
    return state_out(jobs.work_order_finish_repair(user=request.user, order_id=pk, note=data.note))


# ---- jobs and clocking --------------------------------------------------------------------------

class JobFilters(Schema):
    technician_id: int | None = None
    include_done_today: bool = True
    limit: int = 50
    cursor: str | None = None


@router.get("/jobs", response={200: Page[JobOut], **ERRORS},
            summary="My jobs (managers: ?technician_id=), open ones and those done today")
def job_list(request, filters: Query[JobFilters]):
    technician = request.user
    if filters.technician_id is not None and filters.technician_id != request.user.pk:
        if not (has_permission(request.user, "workshop.dispatch_workorder")
                or has_permission(request.user, "workshop.change_timeentry")):
            raise PermissionDeniedError()
        technician_id = as_id(filters.technician_id, "technician_id")
        technician = User.objects.filter(pk=technician_id).first()
        if technician is None:
            raise invalid("technician_id", _("Unknown technician."))
    else:
        require(request.user, "workshop.add_timeentry")
    qs = selectors.job_list(user=request.user, technician=technician, include_done_today=filters.include_done_today)
    items, cursor = offset_page(qs, limit=_limit(filters.limit), cursor=filters.cursor)
    return {"items": [job_out(line) for line in items], "next_cursor": cursor}


@router.post("/jobs/{line_id}/clock-on", response={200: JobOut, **ERRORS},
             summary="Clock on to a job (the first clock-on on an approved order starts the repair)")
def clock_on(request, line_id: int, data: ClockOnIn):
    require(request.user, "workshop.add_timeentry")
    jobs.job_clock_on(user=request.user, line_id=line_id, note=data.note)
    return job_out(selectors.job_detail(user=request.user, line_id=line_id))


@router.post("/jobs/{line_id}/clock-off", response={200: JobOut, **ERRORS},
             summary="Clock off a job: pause, end of shift, or done")
def clock_off(request, line_id: int, data: ClockOffIn):
    require(request.user, "workshop.add_timeentry")
    jobs.job_clock_off(user=request.user, line_id=line_id, reason=data.reason.value, note=data.note)
    return job_out(selectors.job_detail(user=request.user, line_id=line_id))


class EntryFilters(Schema):
    technician_id: int | None = None
    line_id: int | None = None
    work_order_id: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    open: bool = False
    limit: int = 50
    cursor: str | None = None


@router.get("/time-entries", response={200: Page[TimeEntryOut], **ERRORS}, summary="Clocked time, newest first")
def time_entry_list(request, filters: Query[EntryFilters]):
    require(request.user, "workshop.view_timeentry")
    qs = selectors.time_entry_list(
        user=request.user, technician_id=as_id(filters.technician_id, "technician_id", required=False),
        line_id=as_id(filters.line_id, "line_id", required=False),
        work_order_id=as_id(filters.work_order_id, "work_order_id", required=False),
        date_from=filters.date_from, date_to=filters.date_to, open_only=filters.open)
    items, cursor = keyset_page(qs, limit=_limit(filters.limit), cursor=filters.cursor)
    return {"items": [entry_out(e) for e in items], "next_cursor": cursor}


@router.patch("/time-entries/{pk}", response={200: TimeEntryOut, **ERRORS},
              summary="Correct a time entry (foreman or manager; audited)")
def time_entry_update(request, pk: int, data: TimeEntryPatch):
    require(request.user, "workshop.change_timeentry")
    payload = data.dict(exclude_unset=True)
    if payload.get("end_reason") is not None:
        payload["end_reason"] = payload["end_reason"].value
    entry = jobs.time_entry_correct(user=request.user, pk=pk, data=payload)
    return entry_out(selectors.time_entry_get(user=request.user, pk=entry.pk))


# ---- quality checklists -------------------------------------------------------------------------

class ChecklistFilters(Schema):
    service_type: str = ""
    service_point_id: int | None = None
    active: bool | None = None
    limit: int = 50
    cursor: str | None = None


@router.get("/qc-checklists", response={200: Page[ChecklistOut], **ERRORS}, summary="Quality checklists")
def checklist_list(request, filters: Query[ChecklistFilters]):
    require(request.user, "workshop.view_qcchecklist")
    qs = selectors.checklist_list(user=request.user, service_type=filters.service_type[:24],
                                  service_point_id=as_id(filters.service_point_id, "service_point_id", required=False),
                                  active=filters.active)
    items, cursor = offset_page(qs, limit=_limit(filters.limit), cursor=filters.cursor)
    return {"items": items, "next_cursor": cursor}


@router.post("/qc-checklists", response={201: ChecklistOut, **ERRORS},
             summary="Create a checklist (no service point: the default, head office only)")
def checklist_create(request, data: ChecklistIn):
    require(request.user, "workshop.add_qcchecklist")
    payload = data.dict()
    payload["service_type"] = data.service_type.value
    return Status(201, qc.checklist_create(user=request.user, data=payload))


@router.get("/qc-checklists/{pk}", response={200: ChecklistOut, **ERRORS}, summary="One checklist")
def checklist_detail(request, pk: int):
    require(request.user, "workshop.view_qcchecklist")
    return selectors.checklist_get(user=request.user, pk=pk)


@router.patch("/qc-checklists/{pk}", response={200: ChecklistOut, **ERRORS}, summary="Change a checklist")
def checklist_update(request, pk: int, data: ChecklistPatch):
    require(request.user, "workshop.change_qcchecklist")
    payload = data.dict(exclude_unset=True)
    if payload.get("service_type") is not None:
        payload["service_type"] = payload["service_type"].value
    return qc.checklist_update(user=request.user, pk=pk, data=payload)


@router.delete("/qc-checklists/{pk}", response={204: None, **ERRORS}, summary="Delete a checklist")
def checklist_delete(request, pk: int):
    require(request.user, "workshop.delete_qcchecklist")
    qc.checklist_delete(user=request.user, pk=pk)
    return Status(204, None)


# ---- inspections --------------------------------------------------------------------------------

@router.post("/work-orders/{pk}/inspections", response={201: InspectionOut, **ERRORS},
             summary="Record the quality check: passes (to settlement) or fails (back to repair, rework counted)")
def inspection_create(request, pk: int, data: InspectionIn):
    require(request.user, "workshop.inspect_workorder")
    inspection = qc.qc_inspect(user=request.user, order_id=pk, results=[r.dict() for r in data.results],
                               reasons=data.reasons, redo_line_ids=data.redo_line_ids)
    status = WorkOrder.objects.filter(pk=pk).values_list("status", flat=True).first()
    return Status(201, inspection_out(inspection, status))


class PageFilters(Schema):
    limit: int = 50
    cursor: str | None = None


@router.get("/work-orders/{pk}/inspections", response={200: Page[InspectionOut], **ERRORS},
            summary="The order's quality checks, newest first")
def inspection_list(request, pk: int, filters: Query[PageFilters]):
    require(request.user, "workshop.view_qcinspection")
    qs = selectors.inspection_list(user=request.user, order_id=pk)
    items, cursor = offset_page(qs, limit=_limit(filters.limit), cursor=filters.cursor)
    status = items[0].work_order.status if items else ""
    return {"items": [inspection_out(i, status) for i in items], "next_cursor": cursor}


# ---- actual vs standard hours -------------------------------------------------------------------

class ReportFilters(Schema):
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    service_point_id: int | None = None
    technician_id: int | None = None


def report_period(date_from: dt.date | None, date_to: dt.date | None) -> tuple[dt.date, dt.date]:
    """Default: this month up to today; at most a year."""
    today = timezone.localdate()
    date_to = date_to or today
    date_from = date_from or date_to.replace(day=1)
    if date_from > date_to:
        raise invalid("date_from", _("The start cannot come after the end."))
    if (date_to - date_from).days >= MAX_REPORT_DAYS:
        raise invalid("date_from", _("Choose at most a year."))
    return date_from, date_to


@router.get("/reports/technician-hours", response={200: HoursReportOut, **ERRORS},
            summary="Actual vs standard hours per technician and per job done in the period")
def technician_hours(request, filters: Query[ReportFilters]):
    require(request.user, "workshop.change_timeentry")
    date_from, date_to = report_period(filters.date_from, filters.date_to)
    args = {"user": request.user, "date_from": date_from, "date_to": date_to,
            "service_point_id": as_id(filters.service_point_id, "service_point_id", required=False),
            "technician_id": as_id(filters.technician_id, "technician_id", required=False)}
    rows = selectors.technician_hours(**args)
    lines = list(selectors.job_hours(**args)[:REPORT_JOBS + 1])
    return {
        "date_from": date_from, "date_to": date_to,
        "technicians": [{"technician_id": r.technician_id, "name": r.name, "jobs": r.jobs,
                         "standard_hours": r.standard_hours, "clocked_hours": r.clocked_hours,
                         "efficiency_percent": r.efficiency} for r in rows],
        "jobs": [{"line_id": line.pk, "order_number": line.work_order.number, "description": line.description,
                  "standard_hours": line.quantity, "actual_hours": line.actual_hours, "done_at": line.done_at,
                  "technicians": [assignment_out(a) for a in line.assignments.all()]} for line in lines[:REPORT_JOBS]],
        "jobs_truncated": len(lines) > REPORT_JOBS,
    }
