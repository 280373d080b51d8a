"""Pages of the workshop floor: the technician's job list (a phone page with HTMX clock buttons), the
order page's job actions, time corrections, the QC queue and the inspection, checklists, and the
actual vs standard hours report. Views call the services and selectors; the rules are theirs."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aftersales.accounts.access import has_permission, scope_for
from aftersales.accounts.models import ServicePoint
from aftersales.core.choices import ServiceType
from aftersales.core.errors import ApplicationError
from aftersales.core.exports import excel_response
from aftersales.core.ui import OffsetPage, add_errors_to_form, page_number, ui_permission_required

from ..choices import JobStatus, LineKind, LineStatus, WorkOrderStatus
from ..forms.floor import (
    AssignForm,
    ChecklistForm,
    ClockOffForm,
    HoursFilterForm,
    InspectionForm,
    TimeEntryForm,
)
from ..models import WorkOrderLine
from ..selectors import floor as selectors
from ..selectors.orders import work_order_detail
from ..services import jobs as job_services
from ..services import qc as qc_services
from .orders_context import detail_context

S = WorkOrderStatus


def _order_page(request, pk: int, *, status: int = 422, **floor_forms):
    """The order page again, with the floor's form and its errors beside the fields."""
    order = work_order_detail(user=request.user, pk=pk)
    context = detail_context(request, order)
    context["floor_forms"] = floor_forms
    return render(request, "workshop/orders/detail.html", context, status=status)


def _points(user, permission: str):
    scope = scope_for(user, permission)
    qs = ServicePoint.objects.filter(is_active=True).order_by("path")
    return qs if scope.everything else qs.filter(pk__in=scope.point_ids)


# ---- the order page's actions -------------------------------------------------------------------

@require_POST
@ui_permission_required("workshop.dispatch_workorder")
def assign(request, pk: int, line_id: int):
    order = work_order_detail(user=request.user, pk=pk)
    form = AssignForm(request.POST, technicians=selectors.technicians_for_point(order.service_point))
    if form.is_valid():
        try:
            job_services.job_assign(user=request.user, order_id=pk, line_id=line_id,
                                    technician_ids=form.cleaned_data["technicians"])
        except ApplicationError as exc:
            if exc.status in (403, 404):
                raise
            exc.fields = {"technicians" if name == "technician_ids" else name: r for name, r in exc.fields.items()}
            add_errors_to_form(form, exc)
        else:
            messages.success(request, _("Technicians assigned."))
            return redirect(f"{order.get_absolute_url()}#order-jobs")
    return _order_page(request, pk, assign_form=form, assign_line_id=line_id)


@require_POST
@ui_permission_required("workshop.dispatch_workorder")
def unassign(request, pk: int, line_id: int, technician_id: int):
    try:
        job_services.job_unassign(user=request.user, order_id=pk, line_id=line_id, technician_id=technician_id)
    except ApplicationError as exc:
        if exc.status in (403, 404):
            raise
        return _order_page(request, pk, status=exc.status, error=exc.message)
    messages.success(request, _("Technician taken off the job."))
    return redirect(f"/workshop/orders/{pk}/#order-jobs")


def _order_step(request, pk: int, service, done: str):
    try:
        service(user=request.user, order_id=pk, note=request.POST.get("note", "")[:500])
    except ApplicationError as exc:
        if exc.status in (403, 404):
            raise
        return _order_page(request, pk, status=exc.status, error=exc.message)
    messages.success(request, done)
    return redirect(f"/workshop/orders/{pk}/")


@require_POST
@ui_permission_required("workshop.dispatch_workorder")
def start_repair(request, pk: int):
    return _order_step(request, pk, job_services.work_order_start_repair, _("Repair started."))


@require_POST
@ui_permission_required("workshop.finish_repair_workorder")
def finish_repair(request, pk: int):
    return _order_step(request, pk, job_services.work_order_finish_repair,
                       _("Repair finished: the order waits for the quality check."))


# ---- the technician's job list ------------------------------------------------------------------

def _jobs_context(request, notice: str = "", notice_ok: bool = True) -> dict:
    user = request.user
    jobs = list(selectors.job_list(user=user, technician=user))
    order_ids = {line.work_order_id for line in jobs}
    open_jobs = dict(
        WorkOrderLine.objects.filter(work_order_id__in=order_ids, kind=LineKind.LABOUR,
                                               status=LineStatus.APPROVED)
        .values("work_order_id").annotate(n=Count("id", filter=~Q(job_status=JobStatus.DONE)))
        .values_list("work_order_id", "n")) if order_ids else {}
    current = selectors.open_entry_of(user)
    may_finish = scope_for(user, "workshop.finish_repair_workorder")
    offered = set()
    for line in reversed(jobs):  # the button once per order, under its last job
        order = line.work_order
        line.finishable = (order.pk not in offered and order.status == S.IN_REPAIR and not open_jobs.get(order.pk)
                           and may_finish.covers(order.service_point_id) and current is None)
        if line.finishable:
            offered.add(order.pk)
    return {"jobs": jobs, "current": current, "notice": notice, "notice_ok": notice_ok,
            "reasons": [(value, label) for value, label in ClockOffForm.base_fields["reason"].choices]}


def _jobs_response(request, notice: str = "", ok: bool = True, status: int = 200):
    if request.htmx:
        return render(request, "workshop/floor/_job_list.html", _jobs_context(request, notice, ok))
    if notice:
        (messages.success if ok else messages.error)(request, notice)
    return redirect("workshop:my_jobs") if status == 200 else render(
        request, "workshop/floor/my_jobs.html", _jobs_context(request), status=status)


@ui_permission_required("workshop.add_timeentry")
def my_jobs(request):
    return render(request, "workshop/floor/my_jobs.html", _jobs_context(request))


@require_POST
@ui_permission_required("workshop.add_timeentry")
def clock_on(request, line_id: int):
    try:
        line = job_services.job_clock_on(user=request.user, line_id=line_id, note=request.POST.get("note", ""))
    except ApplicationError as exc:
        if exc.status == 404:
            raise
        return _jobs_response(request, exc.message, ok=False, status=exc.status)
    return _jobs_response(request, _("Clocked on to %(job)s.") % {"job": line.description})


@require_POST
@ui_permission_required("workshop.add_timeentry")
def clock_off(request, line_id: int):
    form = ClockOffForm(request.POST)
    reason = request.POST.get("reason", "")
    try:
        line = job_services.job_clock_off(user=request.user, line_id=line_id, reason=reason,
                                          note=form.data.get("note", ""))
    except ApplicationError as exc:
        if exc.status == 404:
            raise
        message = " ".join(r for reasons in exc.fields.values() for r in reasons) if exc.status == 422 else exc.message
        return _jobs_response(request, message or exc.message, ok=False, status=exc.status)
    if line.job_status == JobStatus.DONE:
        return _jobs_response(request, _("Job done: %(job)s.") % {"job": line.description})
    return _jobs_response(request, _("Clocked off %(job)s.") % {"job": line.description})


@require_POST
@ui_permission_required("workshop.finish_repair_workorder")
def my_jobs_finish(request, pk: int):
    try:
        order = job_services.work_order_finish_repair(user=request.user, order_id=pk)
    except ApplicationError as exc:
        if exc.status == 404:
            raise
        return _jobs_response(request, exc.message, ok=False, status=exc.status)
    return _jobs_response(request, _("Order %(order)s is ready for the quality check.") % {"order": order.number})


# ---- time corrections ---------------------------------------------------------------------------

@ui_permission_required("workshop.change_timeentry")
def time_entry_edit(request, pk: int):
    entry = selectors.time_entry_get(user=request.user, pk=pk, action="change")
    local = timezone.localtime
    initial = {"started_at": local(entry.started_at), "ended_at": local(entry.ended_at) if entry.ended_at else None,
               "end_reason": entry.end_reason, "note": entry.note}
    form = TimeEntryForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data.get(name) for name in ("started_at", "ended_at", "end_reason", "note")}
        try:
            job_services.time_entry_correct(user=request.user, pk=pk, data=data)
        except ApplicationError as exc:
            if exc.status in (403, 404):
                raise
            add_errors_to_form(form, exc)
            status = exc.status
        else:
            messages.success(request, _("Time entry corrected."))
            return redirect(f"{entry.line.work_order.get_absolute_url()}#order-jobs")
    elif request.method == "POST":
        status = 422
    return render(request, "workshop/floor/time_entry_form.html", {"form": form, "entry": entry}, status=status)


# ---- quality check ------------------------------------------------------------------------------

@ui_permission_required("workshop.inspect_workorder")
def qc_queue(request):
    page = OffsetPage(selectors.qc_queue(user=request.user), page=page_number(request), per_page=50)
    return render(request, "workshop/floor/qc_queue.html", {"page": page})


@ui_permission_required("workshop.inspect_workorder")
def qc_inspect(request, pk: int):
    order = selectors.order_get(user=request.user, pk=pk)
    if not scope_for(request.user, "workshop.inspect_workorder").covers(order.service_point_id):
        raise Http404
    checklist = selectors.checklist_for(order)
    jobs = list(selectors.order_jobs(order))
    items = checklist.items if checklist else [_("Overall check")]
    form = InspectionForm(request.POST or None, items=items, jobs=jobs)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                inspection = qc_services.qc_inspect(user=request.user, order_id=pk, results=form.results(),
                                                    reasons=form.cleaned_data["reasons"],
                                                    redo_line_ids=form.cleaned_data["redo"])
            except ApplicationError as exc:
                if exc.status in (403, 404):
                    raise
                exc.fields = {"redo" if name == "redo_line_ids" else name: r for name, r in exc.fields.items()}
                add_errors_to_form(form, exc)
                status = exc.status
            else:
                if inspection.passed:
                    messages.success(request, _("Quality check passed: %(order)s is ready for settlement.") % {
                        "order": order.number})
                else:
                    messages.warning(request, _("Quality check failed: %(order)s goes back to repair.") % {
                        "order": order.number})
                return redirect("workshop:qc_queue")
    return render(request, "workshop/floor/inspect.html", {
        "order": order, "checklist": checklist, "form": form, "jobs": jobs,
        "in_qc": order.status == S.QUALITY_CHECK}, status=status)


# ---- checklists ---------------------------------------------------------------------------------

@ui_permission_required("workshop.change_qcchecklist")
def checklist_list(request):
    service_type = request.GET.get("service_type", "")[:24].replace("\x00", "")
    qs = selectors.checklist_list(user=request.user, service_type=service_type)
    if request.GET.get("export") == "xlsx":
        columns = [(_("service type"), lambda c: c.get_service_type_display()),
                   (_("service point"), lambda c: c.service_point.name if c.service_point else _("Default")),
                   (_("name"), lambda c: c.name), (_("checks"), lambda c: "\n".join(c.items)),
                   (_("active"), lambda c: _("yes") if c.is_active else _("no"))]
        return excel_response(qs.iterator(), columns, filename="qc-checklists")
    page = OffsetPage(qs, page=page_number(request), per_page=50)
    return render(request, "workshop/floor/checklist_list.html", {
        "page": page, "service_type": service_type, "service_types": ServiceType.choices,
        "can_add": has_permission(request.user, "workshop.add_qcchecklist")})


@ui_permission_required("workshop.change_qcchecklist")
def checklist_detail(request, pk: int):
    checklist = selectors.checklist_get(user=request.user, pk=pk)
    scope = scope_for(request.user, "workshop.change_qcchecklist")
    mine = scope.everything if checklist.service_point_id is None else scope.covers(checklist.service_point_id)
    return render(request, "workshop/floor/checklist_detail.html", {
        "checklist": checklist, "can_change": mine,
        "can_delete": mine and has_permission(request.user, "workshop.delete_qcchecklist")})


def _checklist_form(request, *, checklist=None):
    permission = "workshop.change_qcchecklist" if checklist else "workshop.add_qcchecklist"
    allow_default = scope_for(request.user, permission).everything
    initial = {}
    if checklist is not None:
        initial = {"service_type": checklist.service_type, "service_point": checklist.service_point_id or "",
                   "name": checklist.name, "items": "\n".join(checklist.items), "is_active": checklist.is_active}
    form = ChecklistForm(request.POST or None, initial=initial, points=_points(request.user, permission),
                         allow_default=allow_default)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.service_data()
            try:
                if checklist is None:
                    checklist = qc_services.checklist_create(user=request.user, data=data)
                else:
                    checklist = qc_services.checklist_update(user=request.user, pk=checklist.pk, data=data)
            except ApplicationError as exc:
                if exc.status in (403, 404):
                    raise
                exc.fields = {"service_point" if name == "service_point_id" else name: r
                              for name, r in exc.fields.items()}
                add_errors_to_form(form, exc)
                status = exc.status
            else:
                messages.success(request, _("Checklist saved."))
                return redirect(checklist.get_absolute_url())
    return render(request, "workshop/floor/checklist_form.html", {"form": form, "checklist": checklist},
                  status=status)


@ui_permission_required("workshop.add_qcchecklist")
def checklist_create(request):
    return _checklist_form(request)


def _keepable(request, pk: int, permission: str):
    """The checklist if the user may keep it (another point's: 404; a default one for a point: 403).
    The service checks again inside its transaction."""
    checklist = selectors.checklist_get(user=request.user, pk=pk)
    scope = scope_for(request.user, permission)
    if checklist.service_point_id is None:
        if not scope.everything:
            raise PermissionDenied
    elif not scope.covers(checklist.service_point_id):
        raise Http404
    return checklist


@ui_permission_required("workshop.change_qcchecklist")
def checklist_edit(request, pk: int):
    return _checklist_form(request, checklist=_keepable(request, pk, "workshop.change_qcchecklist"))


@ui_permission_required("workshop.delete_qcchecklist")
def checklist_delete(request, pk: int):
    checklist = _keepable(request, pk, "workshop.delete_qcchecklist")
    if request.method == "POST":
        qc_services.checklist_delete(user=request.user, pk=pk)
        messages.success(request, _("Checklist deleted."))
        return redirect("workshop:checklist_list")
    return render(request, "workshop/floor/checklist_delete.html", {"checklist": checklist})


# ---- actual vs standard hours -------------------------------------------------------------------

@ui_permission_required("workshop.change_timeentry")
def hours_report(request):
    points = list(_points(request.user, "workshop.change_timeentry"))
    today = timezone.localdate()
    bound = {k: v for k, v in request.GET.items() if k in ("date_from", "date_to", "point")}
    form = HoursFilterForm(bound or None, points=points,
                           initial={"date_from": today.replace(day=1), "date_to": today})
    date_from, date_to, point_id = today.replace(day=1), today, None
    error = ""
    if form.is_bound and form.is_valid():
        date_to = form.cleaned_data.get("date_to") or today
        date_from = form.cleaned_data.get("date_from") or date_to.replace(day=1)
        point_id = form.cleaned_data.get("point")
    if date_from > date_to or (date_to - date_from).days > 366:
        error = _("Choose a period of at most a year, the start before the end.")
        date_from, date_to = today.replace(day=1), today
    args = {"user": request.user, "date_from": date_from, "date_to": date_to, "service_point_id": point_id}
    rows = selectors.technician_hours(**args)
    export = request.GET.get("export")
    if export == "xlsx":
        columns = [(_("technician"), lambda r: r.name), (_("jobs done"), lambda r: r.jobs),
                   (_("standard hours"), lambda r: r.standard_hours), (_("clocked hours"), lambda r: r.clocked_hours),
                   (_("efficiency (%)"), lambda r: r.efficiency)]
        return excel_response(rows, columns, filename="technician-hours")
    jobs = selectors.job_hours(**args)
    if export == "jobs":
        columns = [(_("order"), lambda ln: ln.work_order.number), (_("job"), lambda ln: ln.description),
                   (_("standard hours"), lambda ln: ln.quantity), (_("clocked hours"), lambda ln: ln.actual_hours),
                   (_("done at"), lambda ln: ln.done_at),
                   (_("technicians"), lambda ln: ", ".join(str(a.technician) for a in ln.assignments.all()))]
        return excel_response(jobs, columns, filename="job-hours")
    page = OffsetPage(jobs, page=page_number(request), per_page=50)
    totals = {"standard": sum((r.standard_hours for r in rows), start=Decimal("0")),
              "clocked": sum((r.clocked_hours for r in rows), start=Decimal("0"))}
    return render(request, "workshop/floor/hours_report.html", {
        "form": form, "rows": rows, "page": page, "date_from": date_from, "date_to": date_to, "error": error,
        "totals": totals, "efficiency": (totals["standard"] / totals["clocked"] * 100).quantize(
            Decimal("0.1")) if totals["clocked"] else None})


urlpatterns = [
    path("jobs/", my_jobs, name="my_jobs"),
    path("jobs/<int:line_id>/clock-on/", clock_on, name="job_clock_on"),
    path("jobs/<int:line_id>/clock-off/", clock_off, name="job_clock_off"),
    path("jobs/orders/<int:pk>/finish/", my_jobs_finish, name="my_jobs_finish"),
    path("orders/<int:pk>/jobs/<int:line_id>/assign/", assign, name="floor_assign"),
    path("orders/<int:pk>/jobs/<int:line_id>/unassign/<int:technician_id>/", unassign, name="floor_unassign"),
    path("orders/<int:pk>/start-repair/", start_repair, name="floor_start_repair"),
    path("orders/<int:pk>/finish-repair/", finish_repair, name="floor_finish_repair"),
    path("time-entries/<int:pk>/edit/", time_entry_edit, name="time_entry_edit"),
    path("qc/", qc_queue, name="qc_queue"),
    path("qc/<int:pk>/", qc_inspect, name="qc_inspect"),
    path("checklists/", checklist_list, name="checklist_list"),
    path("checklists/new/", checklist_create, name="checklist_create"),
    path("checklists/<int:pk>/", checklist_detail, name="checklist_detail"),
    path("checklists/<int:pk>/edit/", checklist_edit, name="checklist_edit"),
    path("checklists/<int:pk>/delete/", checklist_delete, name="checklist_delete"),
    path("reports/technician-hours/", hours_report, name="hours_report"),
]
