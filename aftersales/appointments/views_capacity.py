"""The capacity page: a point's plan, its holidays and closed days, and per-date overrides."""

from __future__ import annotations

import json

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aftersales.accounts.access import scope_for
from aftersales.core.errors import ApplicationError
from aftersales.core.inputs import invalid
from aftersales.core.ui import add_errors_to_form, ui_permission_required

from . import selectors, services
from .forms import CapacityForm, HolidayForm, OverrideForm
from .views import _int


def _json(text: str, field: str):
    if not text.strip():
        return None
    try:
        return json.loads(text)
    except ValueError as exc:
        raise invalid(field, _("Write the hours as JSON, for example %(example)s.") % {
            "example": '{"1": [["08:30", "17:30"]]}'}) from exc


@ui_permission_required("appointments.view_capacityplan")
def capacity(request):
    points = list(selectors.points_for(request.user, "appointments.view_capacityplan"))
    point_id = _int(request.POST.get("point") or request.GET.get("point")) or (points[0].pk if points else None)
    if point_id is None or not any(p.pk == point_id for p in points):
        return render(request, "appointments/capacity.html", {"points": points, "point": None})
    plan = selectors.capacity_plan_get(user=request.user, service_point_id=point_id)
    can_change = scope_for(request.user, "appointments.change_capacityplan").covers(point_id)
    form = CapacityForm(request.POST or None, initial={
        "slot_minutes": plan.slot_minutes, "bays": plan.bays, "technician_hours": plan.technician_hours,
        "opening_hours": json.dumps(plan.opening_hours, ensure_ascii=False) if plan.opening_hours else ""})
    if request.method == "POST":
        if not can_change:
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.capacity_plan_set(user=request.user, service_point_id=point_id, data={
                    "slot_minutes": data["slot_minutes"], "bays": data["bays"],
                    "technician_hours": data["technician_hours"],
                    "opening_hours": _json(data["opening_hours"], "opening_hours")})
            except ApplicationError as exc:
                add_errors_to_form(form, exc)
            else:
                messages.success(request, _("Capacity saved."))
                return redirect(f"{request.path}?point={point_id}")
    today = timezone.localdate()
    return render(request, "appointments/capacity.html", {
        "points": points, "point": plan.service_point, "plan": plan, "form": form, "can_change": can_change,
        "point_hours": json.dumps(plan.service_point.opening_hours, ensure_ascii=False),
        "holidays": selectors.holiday_list(user=request.user, service_point_id=point_id).filter(date__gte=today)[:100],
        "overrides": selectors.override_list(user=request.user, service_point_id=point_id, date_from=today)[:100],
        "holiday_form": HolidayForm(), "override_form": OverrideForm(),
        "can_company": scope_for(request.user, "appointments.add_holiday").everything,
    })


def _back(point_id) -> str:
    return f"/appointments/capacity/?point={point_id or ''}"


def _report(request, exc: ApplicationError) -> None:
    for reason in [r for rs in exc.fields.values() for r in rs] or [exc.message]:
        messages.error(request, reason)


@require_POST
@ui_permission_required("appointments.add_holiday")
def holiday_add(request):
    point_id = _int(request.POST.get("point"))
    form = HolidayForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(_back(point_id))
    data = form.cleaned_data
    try:
        services.holiday_create(user=request.user, data={
            "service_point_id": None if data["company_wide"] else point_id, "date": data["date"], "name": data["name"]})
    except ApplicationError as exc:
        _report(request, exc)
    else:
        messages.success(request, _("Holiday added."))
    return redirect(_back(point_id))


@require_POST
@ui_permission_required("appointments.delete_holiday")
def holiday_remove(request, pk: int):
    point_id = _int(request.POST.get("point"))
    try:
        services.holiday_delete(user=request.user, pk=pk)
    except ApplicationError as exc:
        if exc.status in (403, 404):
            raise
        _report(request, exc)
    else:
        messages.success(request, _("Holiday removed."))
    return redirect(_back(point_id))


@require_POST
@ui_permission_required("appointments.add_capacityoverride")
def override_add(request):
    point_id = _int(request.POST.get("point"))
    form = OverrideForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(_back(point_id))
    data = form.cleaned_data
    try:
        services.capacity_override_create(user=request.user, data={
            "service_point_id": point_id, "date": data["date"], "bays": data["bays"],
            "technician_hours": data["technician_hours"], "note": data["note"],
            "opening_hours": _json(data["opening_hours"], "opening_hours") or []})
    except ApplicationError as exc:
        _report(request, exc)
    else:
        messages.success(request, _("Override added."))
    return redirect(_back(point_id))


@require_POST
@ui_permission_required("appointments.delete_capacityoverride")
def override_remove(request, pk: int):
    point_id = _int(request.POST.get("point"))
    services.capacity_override_delete(user=request.user, pk=pk)
    messages.success(request, _("Override removed."))
    return redirect(_back(point_id))


@ui_permission_required("appointments.view_holiday")
def holiday_detail(request, pk: int):
    holiday = selectors.holiday_get(user=request.user, pk=pk)
    return render(request, "appointments/holiday_detail.html", {"holiday": holiday})
