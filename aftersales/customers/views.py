"""Pages of customer archives. The rules live in services/selectors; these only translate."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aftersales.accounts.access import has_permission
from aftersales.core.audit import record_access
from aftersales.core.errors import ApplicationError
from aftersales.core.exports import excel_response
from aftersales.core.ui import OffsetPage, add_errors_to_form, page_number, ui_permission_required

from . import selectors, services
from .classification import strategy_for
from .forms import AddressFormSet, CustomerFilterForm, CustomerForm, MergeForm, PhoneFormSet
from .presentation import customer_detail, customer_row, history_entries, may_unmask
from .services import DuplicateCustomerError


def _points(user, permission: str):
    return selectors.home_point_choices(user=user, permission=permission)


@ui_permission_required("customers.view_customer")
def customer_list(request):
    visible_points = _points(request.user, "customers.view_customer")
    filters = CustomerFilterForm(request.GET or None, points=visible_points)
    values = filters.cleaned_data if filters.is_valid() else {}
    q = values.get("q", "").replace("\x00", "")
    qs = selectors.customer_list(
        user=request.user, q=q, segment=values.get("segment", ""), abc_class=values.get("abc_class", ""),
        value_tier=values.get("value_tier", ""), home_point_id=values.get("home_point"),
        ordering=values.get("ordering") or selectors.DEFAULT_ORDERING,
        include_inactive=values.get("include_inactive", False))
    can_export = has_permission(request.user, "customers.export_customer")
    if request.GET.get("export") == "xlsx":
        if not can_export:
            raise PermissionDenied
        return excel_response((customer_row(c) for c in qs.iterator(chunk_size=2000)), [
            (_("archive no."), lambda r: r["id"]), (_("name"), lambda r: r["name"]),
            (_("phone"), lambda r: r["phone"]), (_("ID number"), lambda r: r["id_number"]),
            (_("e-mail"), lambda r: r["email"]), (_("address"), lambda r: r["address"]),
            (_("segment"), lambda r: r["segment_label"]), (_("class"), lambda r: r["abc_class"]),
            (_("value tier"), lambda r: r["value_tier_label"]), (_("home service point"), lambda r: r["home_point"]),
            (_("last visit"), lambda r: r["last_visit_at"]), (_("visits"), lambda r: r["visit_count"]),
            (_("total spend"), lambda r: r["total_spend"]),
        ], filename="customers")
    page = OffsetPage(qs, page=page_number(request), per_page=50)
    page.rows = [customer_row(c) for c in page.object_list]
    return render(request, "customers/customer_list.html", {
        "page": page, "filters": filters, "can_add": has_permission(request.user, "customers.add_customer"),
        "can_export": can_export,
    })


@ui_permission_required("customers.view_customer")
def customer_detail_view(request, pk: int):
    customer = selectors.customer_get(user=request.user, pk=pk)
    unmasked = may_unmask(request.user, customer)
    record_access(actor=request.user, instance=customer, channel="ui", unmasked=unmasked)
    entries = selectors.history_for_customer(customer)
    assets = getattr(customer, "assets", None)
    return render(request, "customers/customer_detail.html", {
        "customer": customer, "shown": customer_detail(customer, unmasked=unmasked), "unmasked": unmasked,
        "classification": _classification(customer),
        "referrals": selectors.customer_referrals(user=request.user, customer=customer)[:50],
        "referrer_visible": bool(customer.referred_by_id) and selectors.customer_visible(
            user=request.user, pk=customer.referred_by_id),
        "assets": list(assets.all().order_by("-id")[:50]) if assets is not None else [],
        "history": history_entries(entries, unmasked=unmasked),
        "can_change": has_permission(request.user, "customers.change_customer"),
        "can_delete": has_permission(request.user, "customers.delete_customer"),
        "can_merge": has_permission(request.user, "customers.merge_customer"),
        "can_classify": has_permission(request.user, "customers.classify_customer"),
    })


def _classification(customer) -> list[tuple]:
    rules = strategy_for(customer)
    return [
        (_("A/B/C class"), rules["abc"], rules["abc"].result_label if rules["abc"] else ""),
        (_("Value tier"), rules["tier"], customer.get_value_tier_display() if customer.value_tier else ""),
    ]


def _formsets(request, *, phones=None, addresses=None):
    data = request.POST if request.method == "POST" else None
    phone_set = PhoneFormSet(data, prefix="phones", initial=phones if data is None else None)
    address_set = AddressFormSet(data, prefix="addresses", initial=addresses if data is None else None)
    return phone_set, address_set


def _rows(formset) -> tuple[list[dict], list[int]]:
    """The filled, not deleted rows of a formset, and the index of the form each came from."""
    rows, indexes = [], []
    for i, form in enumerate(formset.forms):
        data = getattr(form, "cleaned_data", None)
        if not data or data.get("DELETE"):
            continue
        rows.append({k: v for k, v in data.items() if k != "DELETE"})
        indexes.append(i)
    return rows, indexes


def _place_errors(exc: ApplicationError, form, phone_set, phone_idx, address_set, address_idx) -> None:
    """Service errors beside their fields: phones.1.number goes to the second filled phone row."""
    rest: dict[str, list[str]] = {}
    for name, reasons in exc.fields.items():
        parts = name.split(".")
        target = None
        if parts[0] in ("phones", "addresses") and len(parts) == 3 and parts[1].isdigit():
            formset, idx = (phone_set, phone_idx) if parts[0] == "phones" else (address_set, address_idx)
            position = int(parts[1])
            if position < len(idx) and parts[2] in formset.forms[idx[position]].fields:
                target = (formset.forms[idx[position]], parts[2])
        elif form.field_for(name):
            target = (form, form.field_for(name))
        if target:
            for reason in reasons:
                target[0].add_error(target[1], reason)
        else:
            rest[name] = reasons
    if rest or not exc.fields:
        add_errors_to_form(form, ApplicationError(exc.code, exc.message, {"__all__": [
            r for reasons in rest.values() for r in reasons] or [exc.message]}))


def _save(request, form, phone_set, address_set, save):
    """Run the service; on error put the messages beside the fields. Returns the customer or None."""
    phones, phone_idx = _rows(phone_set)
    addresses, address_idx = _rows(address_set)
    data = {**form.service_data(), "phones": phones, "addresses": addresses}
    for row in phones:
        if not row.get("kind"):
            row.pop("kind", None)
    try:
        return save(data, bool(form.cleaned_data.get("allow_duplicate")))
    except DuplicateCustomerError as exc:
        _place_errors(exc, form, phone_set, phone_idx, address_set, address_idx)
        request.duplicate_matches = exc.matches
    except ApplicationError as exc:
        _place_errors(exc, form, phone_set, phone_idx, address_set, address_idx)
    return None


def _may_allow_duplicate(user) -> bool:
    return has_permission(user, "customers.add_duplicate_customer")


@ui_permission_required("customers.add_customer")
def customer_create(request):
    points = _points(request.user, "customers.add_customer")
    form = CustomerForm(request.POST or None, points=points, may_allow_duplicate=_may_allow_duplicate(request.user),
                        initial={"home_point": points[0].pk if len(points) == 1 else None})
    phone_set, address_set = _formsets(request)
    if request.method == "POST" and all([form.is_valid(), phone_set.is_valid(), address_set.is_valid()]):
        customer = _save(request, form, phone_set, address_set, lambda data, allow: services.customer_create(
            user=request.user, data=data, allow_duplicate=allow))
        if customer is not None:
            messages.success(request, _("Customer archive created."))
            return redirect("customers:detail", pk=customer.pk)
    return render(request, "customers/customer_form.html", {
        "form": form, "phone_set": phone_set, "address_set": address_set, "title": _("New customer"),
        "duplicates": getattr(request, "duplicate_matches", None),
        "may_allow_duplicate": _may_allow_duplicate(request.user),
    })


@ui_permission_required("customers.change_customer")
def customer_edit(request, pk: int):
    customer = selectors.customer_get(user=request.user, pk=pk, action="change")
    unmasked = may_unmask(request.user, customer)
    if not unmasked:
        # Editing would show the personal data in the inputs: only roles that may see it edit the archive.
        raise PermissionDenied
    initial = {k: getattr(customer, k) for k in services.EDITABLE}
    initial.update(home_point=customer.home_point_id, referred_by=customer.referred_by_id)
    points = _points(request.user, "customers.change_customer")
    if customer.home_point not in points:
        points = [customer.home_point, *points]
    form = CustomerForm(request.POST or None, initial=initial, points=points, editing=True,
                        may_allow_duplicate=_may_allow_duplicate(request.user))
    phone_set, address_set = _formsets(
        request,
        phones=[{"number": p.number, "kind": p.kind, "is_primary": p.is_primary} for p in customer.phones.all()],
        addresses=[{f: getattr(a, f) for f in ("label", "province", "city", "district", "street", "postcode",
                                               "is_primary")} for a in customer.addresses.all()])
    if request.method == "POST" and all([form.is_valid(), phone_set.is_valid(), address_set.is_valid()]):
        saved = _save(request, form, phone_set, address_set, lambda data, allow: services.customer_update(
            user=request.user, pk=pk, data=data, allow_duplicate=allow))
        if saved is not None:
            messages.success(request, _("Customer archive saved."))
            return redirect("customers:detail", pk=pk)
    return render(request, "customers/customer_form.html", {
        "form": form, "phone_set": phone_set, "address_set": address_set, "title": customer.name,
        "customer": customer, "duplicates": getattr(request, "duplicate_matches", None),
        "may_allow_duplicate": _may_allow_duplicate(request.user),
    })


@ui_permission_required("customers.delete_customer")
def customer_delete(request, pk: int):
    customer = selectors.customer_get(user=request.user, pk=pk, action="delete")
    if request.method == "POST":
        try:
            services.customer_delete(user=request.user, pk=pk)
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return redirect("customers:detail", pk=pk)
        messages.success(request, _("Customer archive deleted."))
        return redirect("customers:list")
    return render(request, "customers/confirm_delete.html", {"object": customer})


@ui_permission_required("customers.merge_customer")
def customer_merge(request, pk: int):
    target = selectors.customer_get(user=request.user, pk=pk, action="merge")
    form = MergeForm(request.POST or None, initial={"source_id": request.GET.get("source") or None})
    if request.method == "POST" and form.is_valid():
        try:
            services.customer_merge(user=request.user, source_id=form.cleaned_data["source_id"], target_id=pk)
        except ApplicationError as exc:
            add_errors_to_form(form, exc)
        else:
            messages.success(request, _("The archives were merged."))
            return redirect("customers:detail", pk=pk)
    return render(request, "customers/customer_merge.html", {"form": form, "customer": target})


@require_POST
@ui_permission_required("customers.classify_customer")
def customer_classify(request, pk: int):
    services.customer_classify(user=request.user, pk=pk)
    messages.success(request, _("Classification recomputed."))
    return redirect("customers:detail", pk=pk)


@ui_permission_required("customers.view_customer")
def duplicate_check(request):
    """HTMX: warn while the phone or ID number is typed."""
    phones = [v for k, v in request.GET.items() if k.startswith("phones-") and k.endswith("-number")][:10]
    phones = [p.replace("\x00", "") for p in phones]
    id_number = request.GET.get("id_number", "").replace("\x00", "")
    exclude = request.GET.get("exclude", "")
    matches = selectors.customer_find_duplicates(
        user=request.user, phones=phones, id_number=id_number,
        exclude_id=int(exclude) if exclude.isdigit() else None)
    return render(request, "customers/_duplicates.html", {
        "duplicates": matches, "may_allow_duplicate": _may_allow_duplicate(request.user)})
