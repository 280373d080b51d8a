"""Pages of the parts catalogue."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from aftersales.accounts.access import has_permission
from aftersales.core.audit import history_for
from aftersales.core.errors import ApplicationError
from aftersales.core.exports import excel_response
from aftersales.core.ui import OffsetPage, add_errors_to_form, page_number, ui_permission_required

from . import selectors, services
from .choices import PartCategory
from .forms import PartForm

FLAGS = {"1": True, "0": False}


@ui_permission_required("parts.view_part")
def part_list(request):
    q = request.GET.get("q", "").replace("\x00", "").strip()[:100]
    category = request.GET.get("category", "")
    wear = FLAGS.get(request.GET.get("wear", ""))
    active = FLAGS.get(request.GET.get("active", "1"))
    qs = selectors.part_list(user=request.user, q=q, category=category, wear_part=wear, active=active)
    qs = qs.order_by("number")
    if request.GET.get("export") == "xlsx":
        return excel_response(qs.iterator(chunk_size=2000), [
            (_("part number"), lambda p: p.number), (_("name"), lambda p: p.name),
            (_("category"), lambda p: p.get_category_display()), (_("brand"), lambda p: p.brand),
            (_("unit"), lambda p: p.get_unit_display()), (_("sale price"), lambda p: p.sale_price),
            (_("cost price"), lambda p: p.cost_price),
            (_("wear part (易损件)"), lambda p: _("yes") if p.is_wear_part else ""),
            (_("eligible for warranty"), lambda p: _("yes") if p.warranty_eligible else ""),
            (_("active"), lambda p: _("yes") if p.is_active else ""),
        ], filename="parts")
    page = OffsetPage(qs, page=page_number(request), per_page=50)
    return render(request, "parts/part_list.html", {
        "page": page, "q": q, "category": category, "categories": PartCategory.choices,
        "wear": request.GET.get("wear", ""), "active": request.GET.get("active", "1"),
        "can_add": has_permission(request.user, "parts.add_part"),
    })


@ui_permission_required("parts.view_part")
def part_detail(request, pk: int):
    part = selectors.part_get(user=request.user, pk=pk)
    return render(request, "parts/part_detail.html", {
        "part": part, "stock": selectors.part_stock(user=request.user, part=part), "history": history_for(part),
        "can_change": has_permission(request.user, "parts.change_part"),
        "can_delete": has_permission(request.user, "parts.delete_part"),
        "can_open_stock": has_permission(request.user, "parts.add_stock") and part.is_active,
    })


def _initial(part) -> dict:
    return {name: getattr(part, name) for name in PartForm.base_fields}


@ui_permission_required("parts.add_part")
def part_create(request):
    form = PartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            part = services.part_create(user=request.user, data=form.cleaned_data)
        except ApplicationError as exc:
            add_errors_to_form(form, exc)
        else:
            messages.success(request, _("Part saved."))
            return redirect("parts:part_detail", pk=part.pk)
    return render(request, "parts/form.html", {"form": form, "title": _("New part"), "back": "/parts/"})


@ui_permission_required("parts.change_part")
def part_edit(request, pk: int):
    part = selectors.part_get(user=request.user, pk=pk, action="change")
    form = PartForm(request.POST or None, initial=_initial(part))
    if request.method == "POST" and form.is_valid():
        try:
            services.part_update(user=request.user, pk=pk, data=form.cleaned_data)
        except ApplicationError as exc:
            add_errors_to_form(form, exc)
        else:
            messages.success(request, _("Part saved."))
            return redirect("parts:part_detail", pk=pk)
    return render(request, "parts/form.html", {"form": form, "title": str(part), "back": part.get_absolute_url()})


@ui_permission_required("parts.delete_part")
def part_delete(request, pk: int):
    part = selectors.part_get(user=request.user, pk=pk, action="delete")
    if request.method == "POST":
        try:
            services.part_delete(user=request.user, pk=pk)
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return redirect("parts:part_detail", pk=pk)
        messages.success(request, _("Part deleted."))
        return redirect("parts:part_list")
    return render(request, "parts/confirm_delete.html", {"object": part, "back": part.get_absolute_url()})
