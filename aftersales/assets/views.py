"""Pages of vehicles and products: lists, detail, the asset form (with the live VIN check), transfer."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from aftersales.accounts.access import has_permission, scope_for, sees_personal_data
from aftersales.accounts.models import ServicePoint
from aftersales.core import history
from aftersales.core.errors import ApplicationError
from aftersales.core.exports import excel_response
from aftersales.core.masking import mask_address
from aftersales.core.ui import OffsetPage, page_number, ui_permission_required
from aftersales.customers.models import Customer

from . import selectors, services
from .choices import AssetKind
from .coverage import statuses_on
from .forms import AssetForm, TransferForm, form_errors_from_service
from .vin import VinError, decode_vin


def _int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _asset_list(request, kind: str):
    q = request.GET.get("q", "").replace("\x00", "").strip()[:100]
    brand = request.GET.get("brand", "").replace("\x00", "").strip()[:50]
    point_id = _int_or_none(request.GET.get("point"))
    owner_id = _int_or_none(request.GET.get("owner"))
    qs = selectors.asset_list(user=request.user, kind=kind, owner_id=owner_id, service_point_id=point_id,
                              brand=brand, q=q).order_by("-id")
    if request.GET.get("export") == "xlsx":
        columns = [
            (_("brand"), lambda a: a.brand), (_("model"), lambda a: a.model), (_("model year"), lambda a: a.model_year),
            (_("owner"), lambda a: a.owner.name), (_("home service point"), lambda a: a.service_point.name),
        ]
        if kind == AssetKind.VEHICLE:
            columns[:0] = [(_("plate"), lambda a: a.plate), (_("VIN"), lambda a: a.vin)]
            columns += [(_("engine number"), lambda a: a.engine_number), (_("colour"), lambda a: a.colour),
                        (_("sale date"), lambda a: a.sale_date)]
        else:
            columns[:0] = [(_("serial number"), lambda a: a.serial_number)]
            columns += [(_("installation date"), lambda a: a.installation_date),
                        (_("installation address"), lambda a: mask_address(a.installation_address))]
        return excel_response(qs.iterator(chunk_size=2000), columns,
                              filename="vehicles" if kind == AssetKind.VEHICLE else "products")
    page = OffsetPage(qs, page=page_number(request), per_page=50)
    points = ServicePoint.objects.restrict(request.user, "view").filter(is_active=True).order_by("path")
    return render(request, "assets/asset_list.html", {
        "page": page, "kind": kind, "q": q, "brand": brand, "point_id": point_id, "owner_id": owner_id,
        "points": points, "can_add": has_permission(request.user, "assets.add_asset"),
        "title": _("Vehicles") if kind == AssetKind.VEHICLE else _("Products"),
    })


@ui_permission_required("assets.view_asset")
def vehicle_list(request):
    return _asset_list(request, AssetKind.VEHICLE)


@ui_permission_required("assets.view_asset")
def product_list(request):
    return _asset_list(request, AssetKind.PRODUCT)


@ui_permission_required("assets.view_asset")
def asset_detail(request, pk: int):
    asset = selectors.asset_get(user=request.user, pk=pk)
    readings = list(asset.readings.order_by("-read_on", "-id")[:500])
    forecast = selectors.forecast_for(asset)
    latest = readings[0].value if readings else None
    coverages = statuses_on(asset.coverages.order_by("kind", "-ends_on", "id"), timezone.localdate(), latest)
    vin_info = None
    if asset.kind == AssetKind.VEHICLE and asset.vin:
        try:
            vin_info = decode_vin(asset.vin)
        except VinError:
            vin_info = None
    user = request.user
    return render(request, "assets/asset_detail.html", {
        "asset": asset, "readings": readings[:20], "more_readings": len(readings) > 20,
        "chart": [[r.read_on.isoformat(), r.value, r.is_meter_replacement] for r in reversed(readings)],
        "forecast": forecast, "coverages": coverages, "vin_info": vin_info,
        "ownerships": selectors.ownership_history(asset=asset),
        "history": _timeline_rows(selectors.asset_timeline(asset=asset), unmasked=sees_personal_data(
            user, asset.service_point_id)),
        "address": asset.installation_address if sees_personal_data(user, asset.service_point_id)
        else mask_address(asset.installation_address),
        "can_change": has_permission(user, "assets.change_asset"),
        "can_delete": has_permission(user, "assets.delete_asset"),
        "can_add_reading": has_permission(user, "assets.add_meterreading"),
        "can_delete_reading": has_permission(user, "assets.delete_meterreading"),
        "can_add_coverage": has_permission(user, "assets.add_coverage"),
        "can_change_coverage": has_permission(user, "assets.change_coverage"),
        "sees_customer": has_permission(user, "customers.view_customer"),
    })


def _timeline_rows(entries, *, unmasked: bool) -> list[dict]:
    """Each change with its fields' labels and values; the installation address masked when needed."""
    def mask(values: dict) -> dict:
        if values and values.get("installation_address"):
            return {**values, "installation_address": mask_address(values["installation_address"])}
        return values

    return [{"entry": e, "changes": history.describe_changes(e, e.content_type.model_class(),
                                                            mask=None if unmasked else mask)} for e in entries]


def _points_for(user, permission: str):
    scope = scope_for(user, permission)
    qs = ServicePoint.objects.filter(is_active=True).order_by("path")
    return qs if scope.everything else qs.filter(pk__in=scope.point_ids)


def _owner_choices(user, owner_id) -> list[tuple[int, str]]:
    owner_id = _int_or_none(owner_id)
    if not owner_id:
        return []
    owner = Customer.objects.restrict(user, "view").filter(pk=owner_id).first()
    return [(owner.pk, str(owner))] if owner else []


@ui_permission_required("assets.add_asset")
def asset_create(request):
    source = request.POST if request.method == "POST" else request.GET
    kind = source.get("kind") if source.get("kind") in AssetKind.values else AssetKind.VEHICLE
    owner_id = source.get("owner")
    owner_choices = _owner_choices(request.user, owner_id)
    points = _points_for(request.user, "assets.add_asset")
    initial = {"kind": kind, "owner": owner_id, "meter_unit": "km" if kind == AssetKind.VEHICLE else "h"}
    if owner_choices:
        home = Customer.objects.filter(pk=owner_choices[0][0]).values_list("home_point_id", flat=True).first()
        initial["service_point"] = home
    form = AssetForm(request.POST or None, initial=initial, kind=kind, owner_choices=owner_choices, points=points,
                     dealers=points)
    if request.method == "POST" and form.is_valid():
        try:
            asset = services.asset_create(user=request.user, data=form.service_data())
        except ApplicationError as exc:
            form_errors_from_service(form, exc)
        else:
            for warning in asset.warnings:
                messages.warning(request, warning)
            messages.success(request, _("Vehicle registered.") if kind == AssetKind.VEHICLE else _("Product registered."))
            return redirect("assets:detail", pk=asset.pk)
    title = _("New vehicle") if kind == AssetKind.VEHICLE else _("New product")
    return render(request, "assets/asset_form.html", {"form": form, "title": title, "kind": kind})


@ui_permission_required("assets.change_asset")
def asset_edit(request, pk: int):
    asset = selectors.asset_get(user=request.user, pk=pk, action="change")
    points = _points_for(request.user, "assets.change_asset")
    initial = {
        "service_point": asset.service_point_id, "selling_dealer": asset.selling_dealer_id,
        **{name: getattr(asset, name) for name in (
            "brand", "model", "vin", "plate", "engine_number", "colour", "serial_number", "installation_date",
            "installation_address", "model_year", "sale_date", "meter_unit", "notes")},
    }
    dealers = list(points)
    if asset.selling_dealer and asset.selling_dealer not in dealers:
        dealers.append(asset.selling_dealer)
    if asset.service_point not in points:
        points = [*points, asset.service_point]
    form = AssetForm(request.POST or None, initial=initial, kind=asset.kind, points=points, dealers=dealers,
                     editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.asset_update(user=request.user, pk=pk, data=form.service_data())
        except ApplicationError as exc:
            form_errors_from_service(form, exc)
        else:
            for warning in saved.warnings:
                messages.warning(request, warning)
            messages.success(request, _("Saved."))
            return redirect("assets:detail", pk=pk)
    return render(request, "assets/asset_form.html", {"form": form, "title": str(asset), "asset": asset,
                                                      "kind": asset.kind})


@ui_permission_required("assets.delete_asset")
def asset_delete(request, pk: int):
    asset = selectors.asset_get(user=request.user, pk=pk, action="delete")
    if request.method == "POST":
        try:
            services.asset_delete(user=request.user, pk=pk)
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return redirect("assets:detail", pk=pk)
        messages.success(request, _("Deleted."))
        return redirect("assets:vehicle_list" if asset.kind == AssetKind.VEHICLE else "assets:product_list")
    return render(request, "assets/confirm_delete.html", {"object": asset, "back": asset.get_absolute_url()})


@ui_permission_required("assets.change_asset")
def asset_transfer(request, pk: int):
    asset = selectors.asset_get(user=request.user, pk=pk, action="change")
    source = request.POST if request.method == "POST" else request.GET
    form = TransferForm(request.POST or None, initial={"on_date": timezone.localdate()},
                        owner_choices=_owner_choices(request.user, source.get("owner")))
    if request.method == "POST" and form.is_valid():
        try:
            services.asset_transfer(user=request.user, pk=pk, new_owner_id=form.cleaned_data["owner"],
                                    on_date=form.cleaned_data["on_date"])
        except ApplicationError as exc:
            exc.fields = {"owner" if k == "new_owner_id" else k: v for k, v in exc.fields.items()}
            form_errors_from_service(form, exc)
        else:
            messages.success(request, _("Ownership transferred."))
            return redirect("assets:detail", pk=pk)
    return render(request, "assets/simple_form.html", {
        "form": form, "title": _("Transfer %(asset)s to a new owner") % {"asset": asset}, "back": asset.get_absolute_url()})


@ui_permission_required("assets.view_asset")
def vin_check(request):
    """The answer beside the VIN box while the advisor types (an HTML fragment)."""
    vin = request.GET.get("vin", "")[:64].replace("\x00", "")
    if not vin.strip():
        return HttpResponse("")
    try:
        info = decode_vin(vin)
    except VinError as exc:
        return HttpResponse(format_html('<span class="text-danger" data-vin="error">'
                                        '<i class="bi bi-x-circle"></i> {}</span>', exc.reason))
    if not info.acceptable:
        return HttpResponse(format_html('<span class="text-danger" data-vin="error">'
                                        '<i class="bi bi-x-circle"></i> {}</span>', info.warnings[0]))
    facts = [f for f in (info.manufacturer, info.country, str(info.model_year) if info.model_year else "") if f]
    parts = format_html('<span class="text-success" data-vin="ok"><i class="bi bi-check-circle"></i> {}</span>',
                        " · ".join(facts) or _("Well formed."))
    if info.warnings:
        parts += format_html_join("", '<div class="text-warning-emphasis" data-vin="warning">'
                                  '<i class="bi bi-exclamation-triangle"></i> {}</div>', ((w,) for w in info.warnings))
    return HttpResponse(parts)


@ui_permission_required("assets.view_asset")
def owner_options(request):
    """``<option>``s of customers matching the owner search (name, pinyin, initials or phone digits)."""
    q = request.GET.get("owner_q", "").replace("\x00", "").strip()[:50]
    rows = []
    if len(q) >= 1:
        lowered = q.lower().replace(" ", "")
        condition = Q(name__icontains=q) | Q(name_initials__startswith=lowered) | Q(name_pinyin__startswith=lowered)
        if q.isdigit() and len(q) >= 4:
            condition |= Q(phones__number__contains=q)
        rows = list(Customer.objects.restrict(request.user, "view").filter(condition, merged_into__isnull=True)
                    .distinct().order_by("name", "id").values_list("pk", "name")[:15])
    if not rows:
        return HttpResponse(format_html('<option value="">{}</option>', _("No customer found")))
    return HttpResponse(format_html_join("", '<option value="{}">{} (#{})</option>',
                                         ((pk, name, pk) for pk, name in rows)))
