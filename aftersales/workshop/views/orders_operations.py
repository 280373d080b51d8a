"""Pages of the labour operation catalogue (工时项目): list with filters and export, detail, create,
edit, delete (an operation in use is deactivated instead)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from aftersales.accounts.access import has_permission
from aftersales.core.audit import history_for
from aftersales.core.errors import ApplicationError
from aftersales.core.exports import excel_response
from aftersales.core.ui import OffsetPage, add_errors_to_form, page_number, ui_permission_required

from ..choices import OperationCategory
from ..forms.orders import OperationForm
from ..selectors import orders as selectors
from ..services import catalogue


@ui_permission_required("workshop.view_labouroperation")
def operation_list(request):
    g = request.GET
    active = {"1": True, "0": False}.get(g.get("active", ""))
    q = g.get("q", "").replace("\x00", "").strip()[:60]
    category = g.get("category", "") if g.get("category", "") in OperationCategory.values else ""
    qs = selectors.labour_operation_list(user=request.user, q=q, category=category, active=active)
    if g.get("export") == "xlsx":
        return excel_response(qs.iterator(chunk_size=2000), [
            (_("code"), lambda o: o.code), (_("name"), lambda o: o.name),
            (_("category"), lambda o: o.get_category_display()), (_("standard hours"), lambda o: o.standard_hours),
            (_("brand"), lambda o: o.brand), (_("active"), lambda o: _("yes") if o.is_active else _("no"))],
            filename="labour-operations")
    return render(request, "workshop/orders/operations/list.html", {
        "page": OffsetPage(qs, page=page_number(request), per_page=50), "q": q, "category": category,
        "active": g.get("active", ""), "categories": OperationCategory.choices,
        "can_add": has_permission(request.user, "workshop.add_labouroperation"),
    })


@ui_permission_required("workshop.view_labouroperation")
def operation_detail(request, pk: int):
    operation = selectors.labour_operation_get(user=request.user, pk=pk)
    return render(request, "workshop/orders/operations/detail.html", {
        "operation": operation, "history": history_for(operation),
        "can_change": has_permission(request.user, "workshop.change_labouroperation"),
        "can_delete": has_permission(request.user, "workshop.delete_labouroperation"),
    })


def _form_page(request, form, title, operation=None):
    return render(request, "workshop/orders/operations/form.html", {"form": form, "title": title,
                                                                     "operation": operation})


@ui_permission_required("workshop.add_labouroperation")
def operation_create(request):
    form = OperationForm(request.POST or None, initial={"category": OperationCategory.MAINTENANCE,
                                                        "standard_hours": "1.00", "is_active": True})
    if request.method == "POST" and form.is_valid():
        try:
            operation = catalogue.labour_operation_create(user=request.user, data=form.cleaned_data)
        except ApplicationError as exc:
            add_errors_to_form(form, exc)
        else:
            messages.success(request, _("Labour operation added."))
            return redirect("workshop:operation_detail", pk=operation.pk)
    return _form_page(request, form, _("New labour operation"))


@ui_permission_required("workshop.change_labouroperation")
def operation_edit(request, pk: int):
    operation = selectors.labour_operation_get(user=request.user, pk=pk, action="change")
    initial = {name: getattr(operation, name) for name in ("code", "name", "category", "standard_hours", "brand",
                                                           "is_active")}
    form = OperationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            catalogue.labour_operation_update(user=request.user, pk=pk, data=form.cleaned_data)
        except ApplicationError as exc:
            add_errors_to_form(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("workshop:operation_detail", pk=pk)
    return _form_page(request, form, str(operation), operation)


@ui_permission_required("workshop.delete_labouroperation")
def operation_delete(request, pk: int):
    operation = selectors.labour_operation_get(user=request.user, pk=pk, action="delete")
    if request.method == "POST":
        try:
            catalogue.labour_operation_delete(user=request.user, pk=pk)
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return redirect("workshop:operation_detail", pk=pk)
        messages.success(request, _("Deleted."))
        return redirect("workshop:operation_list")
    return render(request, "workshop/orders/operations/confirm_delete.html", {"operation": operation})


urlpatterns = [
    path("operations/", operation_list, name="operation_list"),
    path("operations/new/", operation_create, name="operation_create"),
    path("operations/<int:pk>/", operation_detail, name="operation_detail"),
    path("operations/<int:pk>/edit/", operation_edit, name="operation_edit"),
    path("operations/<int:pk>/delete/", operation_delete, name="operation_delete"),
]
