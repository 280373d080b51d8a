"""Pages of the warranty exclusion list and the warranty check the advisor can try out."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.access import has_permission
from aftersales.core.audit import history_for
from aftersales.core.errors import ApplicationError
from aftersales.core.exports import excel_response
from aftersales.core.ui import OffsetPage, add_errors_to_form, page_number, ui_permission_required

from . import selectors, services
from .choices import ExclusionKind
from .forms import CheckForm, ExclusionForm

ACTIVE = {"1": True, "0": False}


@ui_permission_required("warranty.view_warrantyexclusion")
def exclusion_list(request):
    kind = request.GET.get("kind", "")
    active = ACTIVE.get(request.GET.get("active", ""))
    q = request.GET.get("q", "").replace("\x00", "").strip()[:100]
    qs = selectors.exclusion_list(user=request.user, kind=kind, active=active, q=q)
    if request.GET.get("export") == "xlsx":
        return excel_response(qs, [
            (_("kind"), lambda r: r.get_kind_display()), (_("value"), lambda r: r.value_label),
            (_("brand"), lambda r: r.brand), (_("applies to"), lambda r: r.get_applies_to_display()),
            (_("effect"), lambda r: r.get_effect_display()), (_("active"), lambda r: _("yes") if r.is_active else ""),
            (_("note"), lambda r: r.note),
        ], filename="warranty-exclusions")
    page = OffsetPage(qs, page=page_number(request), per_page=50)
    return render(request, "warranty/exclusion_list.html", {
        "page": page, "kind": kind, "kinds": ExclusionKind.choices, "active": request.GET.get("active", ""),
        "q": q, "can_add": has_permission(request.user, "warranty.add_warrantyexclusion"),
    })


@ui_permission_required("warranty.view_warrantyexclusion")
def exclusion_detail(request, pk: int):
    rule = selectors.exclusion_get(user=request.user, pk=pk)
    return render(request, "warranty/exclusion_detail.html", {
        "rule": rule, "history": history_for(rule),
        "can_change": has_permission(request.user, "warranty.change_warrantyexclusion"),
        "can_delete": has_permission(request.user, "warranty.delete_warrantyexclusion"),
    })


def _place_value_error(form: ExclusionForm, exc: ApplicationError) -> None:
    """The service names ``value``; on the page it belongs to the box of the chosen kind."""
    if "value" in exc.fields:
        exc.fields = {(form.value_field() if name == "value" else name): reasons
                      for name, reasons in exc.fields.items()}
    add_errors_to_form(form, exc)


@ui_permission_required("warranty.add_warrantyexclusion")
def exclusion_create(request):
    form = ExclusionForm(request.POST or None, initial={"kind": request.GET.get("kind", ExclusionKind.WEAR_PART)})
    if request.method == "POST" and form.is_valid():
        try:
            rule = services.exclusion_create(user=request.user, data=form.service_data())
        except ApplicationError as exc:
            _place_value_error(form, exc)
        else:
            messages.success(request, _("Exclusion saved."))
            return redirect("warranty:exclusion_detail", pk=rule.pk)
    return render(request, "warranty/exclusion_form.html", {"form": form, "title": _("New warranty exclusion"),
                                                            "back": "/warranty/exclusions/"})


@ui_permission_required("warranty.change_warrantyexclusion")
def exclusion_edit(request, pk: int):
    rule = selectors.exclusion_get(user=request.user, pk=pk, action="change")
    form = ExclusionForm(request.POST or None, initial=ExclusionForm.initial_for(rule))
    if request.method == "POST" and form.is_valid():
        try:
            services.exclusion_update(user=request.user, pk=pk, data=form.service_data())
        except ApplicationError as exc:
            _place_value_error(form, exc)
        else:
            messages.success(request, _("Exclusion saved."))
            return redirect("warranty:exclusion_detail", pk=pk)
    return render(request, "warranty/exclusion_form.html", {"form": form, "title": rule.label,
                                                            "back": rule.get_absolute_url()})


@ui_permission_required("warranty.delete_warrantyexclusion")
def exclusion_delete(request, pk: int):
    rule = selectors.exclusion_get(user=request.user, pk=pk, action="delete")
    if request.method == "POST":
        services.exclusion_delete(user=request.user, pk=pk)
        messages.success(request, _("Exclusion deleted."))
        return redirect("warranty:exclusion_list")
    return render(request, "warranty/confirm_delete.html", {"object": rule, "back": rule.get_absolute_url()})


@ui_permission_required("warranty.add_warrantyexclusion")
def exclusion_defaults(request):
    """Add the usual exclusions (wear parts, paint and body, misuse, accident, > 10 hours) that are missing."""
    if request.method != "POST":
        return redirect("warranty:exclusion_list")
    added = services.exclusion_defaults_install(user=request.user)
    messages.success(request, _("%(n)d default exclusions added.") % {"n": added})
    return redirect("warranty:exclusion_list")


@ui_permission_required("warranty.view_warrantyexclusion")
def check(request):
    """Try a line: the verdict updates as the advisor types (HTMX swaps only the verdict)."""
    form = CheckForm(request.GET or None, initial={"on_date": timezone.localdate()})
    verdict = None
    if request.GET and form.is_valid():
        data = form.cleaned_data
        try:
            asset, part, operation = selectors.check_subjects_by_text(
                user=request.user, asset=data["asset"], part=data["part"], operation=data["operation"])
            verdict = services.line_warranty_check(
                asset=asset, on_date=data["on_date"] or timezone.localdate(), mileage=data["mileage"],
                kind=data["kind"], pay_type=data["pay_type"], cause=data["cause"], part=part, operation=operation,
                hours=data["hours"])
        except ApplicationError as exc:
            add_errors_to_form(form, exc)
    template = "warranty/_verdict.html" if getattr(request, "htmx", False) else "warranty/check.html"
    return render(request, template, {"form": form, "verdict": verdict})
