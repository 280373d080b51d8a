"""Pages of meter readings, coverages and maintenance intervals."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.access import has_permission, scope_for
from aftersales.core.audit import history_for
from aftersales.core.errors import ApplicationError
from aftersales.core.exports import excel_response
from aftersales.core.ui import OffsetPage, add_errors_to_form, page_number, ui_permission_required

from . import selectors, services
from .choices import CoverageKind
from .coverage import status_of
from .forms import CoverageForm, IntervalForm, ReadingForm


def _int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _date_or_none(value) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


# Meter readings

@ui_permission_required("assets.view_meterreading")
def reading_list(request):
    asset_id = _int_or_none(request.GET.get("asset"))
    qs = selectors.readings_visible(user=request.user, asset_id=asset_id).order_by("-id")
    if request.GET.get("export") == "xlsx":
        return excel_response(qs.iterator(chunk_size=2000), [
            (_("asset"), lambda r: str(r.asset)), (_("date"), lambda r: r.read_on), (_("reading"), lambda r: r.value),
            (_("meter replaced"), lambda r: _("yes") if r.is_meter_replacement else ""),
            (_("source"), lambda r: r.source),
        ], filename="meter-readings")
    page = OffsetPage(qs, page=page_number(request), per_page=50)
    return render(request, "assets/reading_list.html", {"page": page, "asset_id": asset_id})


@ui_permission_required("assets.view_meterreading")
def reading_detail(request, pk: int):
    reading = selectors.reading_get(user=request.user, pk=pk)
    return render(request, "assets/reading_detail.html", {
        "reading": reading, "history": history_for(reading),
        "can_delete": has_permission(request.user, "assets.delete_meterreading"),
    })


@ui_permission_required("assets.add_meterreading")
def reading_create(request, pk: int):
    asset = selectors.asset_get(user=request.user, pk=pk)
    form = ReadingForm(request.POST or None, initial={"read_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.meter_reading_add(user=request.user, asset_id=asset.pk, **form.cleaned_data)
        except ApplicationError as exc:
            add_errors_to_form(form, exc)
        else:
            messages.success(request, _("Reading recorded."))
            return redirect("assets:detail", pk=asset.pk)
    return render(request, "assets/simple_form.html", {
        "form": form, "title": _("New reading for %(asset)s") % {"asset": asset}, "back": asset.get_absolute_url()})


@ui_permission_required("assets.delete_meterreading")
def reading_delete(request, pk: int):
    reading = selectors.reading_get(user=request.user, pk=pk, action="delete")
    back = reading.asset.get_absolute_url()
    if request.method == "POST":
        try:
            services.meter_reading_delete(user=request.user, pk=pk)
        except ApplicationError as exc:
            messages.error(request, " ".join([exc.message, *[r for rs in exc.fields.values() for r in rs]]))
        else:
            messages.success(request, _("Reading deleted."))
        return redirect(back)
    return render(request, "assets/confirm_delete.html", {"object": reading, "back": back})


# Coverages

@ui_permission_required("assets.view_coverage")
def coverage_list(request):
    kind = request.GET.get("kind", "")
    ends_before = _date_or_none(request.GET.get("ends_before"))
    qs = selectors.coverages_visible(user=request.user, kind=kind, ends_before=ends_before).order_by("ends_on", "id")
    if request.GET.get("export") == "xlsx":
        return excel_response(qs.iterator(chunk_size=2000), [
            (_("asset"), lambda c: str(c.asset)), (_("owner"), lambda c: c.asset.owner.name),
            (_("kind"), lambda c: c.get_kind_display()), (_("starts on"), lambda c: c.starts_on),
            (_("ends on"), lambda c: c.ends_on), (_("distance limit (km)"), lambda c: c.distance_limit),
            (_("provider / insurer"), lambda c: c.provider), (_("policy or contract number"), lambda c: c.policy_number),
        ], filename="coverages")
    page = OffsetPage(qs, page=page_number(request), per_page=50)
    today = timezone.localdate()
    rows = [status_of(c, today, None) for c in page]
    return render(request, "assets/coverage_list.html", {
        "page": page, "rows": rows, "kind": kind, "kinds": CoverageKind.choices,
        "ends_before": ends_before.isoformat() if ends_before else ""})


@ui_permission_required("assets.view_coverage")
def coverage_detail(request, pk: int):
    coverage = selectors.coverage_get(user=request.user, pk=pk)
    latest = selectors.latest_values([coverage.asset_id]).get(coverage.asset_id)
    return render(request, "assets/coverage_detail.html", {
        "coverage": coverage, "status": status_of(coverage, timezone.localdate(), latest), "latest": latest,
        "history": history_for(coverage),
        "can_change": has_permission(request.user, "assets.change_coverage"),
        "can_delete": has_permission(request.user, "assets.delete_coverage"),
    })


@ui_permission_required("assets.add_coverage")
def coverage_create(request, pk: int):
    asset = selectors.asset_get(user=request.user, pk=pk)
    form = CoverageForm(request.POST or None, initial={"kind": request.GET.get("kind", CoverageKind.BASE_WARRANTY)})
    if request.method == "POST" and form.is_valid():
        try:
            services.coverage_create(user=request.user, asset_id=asset.pk, data=form.cleaned_data)
        except ApplicationError as exc:
            add_errors_to_form(form, exc)
        else:
            messages.success(request, _("Coverage added."))
            return redirect("assets:detail", pk=asset.pk)
    return render(request, "assets/simple_form.html", {
        "form": form, "title": _("New coverage for %(asset)s") % {"asset": asset}, "back": asset.get_absolute_url()})


@ui_permission_required("assets.change_coverage")
def coverage_edit(request, pk: int):
    coverage = selectors.coverage_get(user=request.user, pk=pk, action="change")
    initial = {name: getattr(coverage, name) for name in CoverageForm.base_fields}
    form = CoverageForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.coverage_update(user=request.user, pk=pk, data=form.cleaned_data)
        except ApplicationError as exc:
            add_errors_to_form(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("assets:coverage_detail", pk=pk)
    return render(request, "assets/simple_form.html", {
        "form": form, "title": str(coverage), "back": coverage.get_absolute_url()})


@ui_permission_required("assets.delete_coverage")
def coverage_delete(request, pk: int):
    coverage = selectors.coverage_get(user=request.user, pk=pk, action="delete")
    back = coverage.asset.get_absolute_url()
    if request.method == "POST":
        services.coverage_delete(user=request.user, pk=pk)
        messages.success(request, _("Coverage deleted."))
        return redirect(back)
    return render(request, "assets/confirm_delete.html", {"object": coverage, "back": back})


# Maintenance intervals (reference data of the whole network)

def _network_wide(user, permission: str) -> bool:
    return scope_for(user, permission).everything


def _require_network_wide(user, permission: str) -> None:
    if not _network_wide(user, permission):
        raise PermissionDenied

@ui_permission_required("assets.view_maintenanceinterval")
def interval_list(request):
    q = request.GET.get("q", "").replace("\x00", "").strip()[:50]
    qs = selectors.interval_list(user=request.user, q=q)
    if request.GET.get("export") == "xlsx":
        return excel_response(qs, [
            (_("brand"), lambda i: i.brand), (_("model"), lambda i: i.model), (_("every (months)"), lambda i: i.months),
            (_("every (km or hours)"), lambda i: i.distance),
            (_("first service after (months)"), lambda i: i.first_months),
            (_("first service after (km or hours)"), lambda i: i.first_distance),
        ], filename="maintenance-intervals")
    page = OffsetPage(qs, page=page_number(request), per_page=50)
    return render(request, "assets/interval_list.html", {
        "page": page, "q": q, "can_add": _network_wide(request.user, "assets.add_maintenanceinterval")})


@ui_permission_required("assets.view_maintenanceinterval")
def interval_detail(request, pk: int):
    interval = selectors.interval_get(user=request.user, pk=pk)
    return render(request, "assets/interval_detail.html", {
        "interval": interval, "history": history_for(interval),
        "can_change": _network_wide(request.user, "assets.change_maintenanceinterval"),
        "can_delete": _network_wide(request.user, "assets.delete_maintenanceinterval"),
    })


@ui_permission_required("assets.add_maintenanceinterval")
def interval_create(request):
    _require_network_wide(request.user, "assets.add_maintenanceinterval")
    form = IntervalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            interval = services.maintenance_interval_create(user=request.user, data=form.cleaned_data)
        except ApplicationError as exc:
            add_errors_to_form(form, exc)
        else:
            messages.success(request, _("Maintenance interval saved."))
            return redirect("assets:interval_detail", pk=interval.pk)
    return render(request, "assets/simple_form.html", {"form": form, "title": _("New maintenance interval"),
                                                       "back": "/assets/intervals/"})


@ui_permission_required("assets.change_maintenanceinterval")
def interval_edit(request, pk: int):
    _require_network_wide(request.user, "assets.change_maintenanceinterval")
    interval = selectors.interval_get(user=request.user, pk=pk, action="change")
    form = IntervalForm(request.POST or None, initial={n: getattr(interval, n) for n in IntervalForm.base_fields})
    if request.method == "POST" and form.is_valid():
        try:
            services.maintenance_interval_update(user=request.user, pk=pk, data=form.cleaned_data)
        except ApplicationError as exc:
            add_errors_to_form(form, exc)
        else:
            messages.success(request, _("Maintenance interval saved."))
            return redirect("assets:interval_detail", pk=pk)
    return render(request, "assets/simple_form.html", {"form": form, "title": str(interval),
                                                       "back": interval.get_absolute_url()})


@ui_permission_required("assets.delete_maintenanceinterval")
def interval_delete(request, pk: int):
    _require_network_wide(request.user, "assets.delete_maintenanceinterval")
    interval = selectors.interval_get(user=request.user, pk=pk, action="delete")
    if request.method == "POST":
        services.maintenance_interval_delete(user=request.user, pk=pk)
        messages.success(request, _("Maintenance interval deleted."))
        return redirect("assets:interval_list")
    return render(request, "assets/confirm_delete.html", {"object": interval, "back": interval.get_absolute_url()})
