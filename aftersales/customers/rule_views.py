"""Pages of the classification rules (company-wide data that HQ edits) and the recompute action."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aftersales.accounts.access import has_permission, scope_for
from aftersales.core.audit import history_for
from aftersales.core.errors import ApplicationError
from aftersales.core.exports import excel_response
from aftersales.core.ui import add_errors_to_form, ui_permission_required

from . import selectors, services
from .forms import RuleForm

RULE_FORM_FIELDS = ("description", "max_recency_days", "min_visits", "min_spend", "min_tenure_days", "credit_ratings",
                    "visit_interval_days", "follow_up_priority", "strategy", "is_active")


def _hq(user, action: str) -> bool:
    return scope_for(user, f"customers.{action}_classificationrule").everything


@ui_permission_required("customers.view_classificationrule")
def rule_list(request):
    rules = list(selectors.classification_rule_list(user=request.user))
    if request.GET.get("export") == "xlsx":
        return excel_response(rules, [
            (_("dimension"), lambda r: r.get_dimension_display()), (_("class"), lambda r: r.result_label),
            (_("last visit within (days)"), lambda r: r.max_recency_days), (_("at least visits"), lambda r: r.min_visits),
            (_("at least spent (CNY)"), lambda r: r.min_spend),
            (_("customer for at least (days)"), lambda r: r.min_tenure_days),
            (_("credit ratings"), lambda r: ", ".join(r.credit_ratings)),
            (_("visit every (days)"), lambda r: r.visit_interval_days),
            (_("follow-up priority"), lambda r: r.get_follow_up_priority_display()),
            (_("service strategy"), lambda r: r.strategy), (_("active"), lambda r: r.is_active),
        ], filename="classification-rules")
    return render(request, "customers/rule_list.html", {
        "rule_sections": [(_("A/B/C class"), [r for r in rules if r.dimension == "abc"]),
                          (_("Value tier"), [r for r in rules if r.dimension == "tier"])],
        "can_add": _hq(request.user, "add"), "can_change": _hq(request.user, "change"),
        "can_classify": has_permission(request.user, "customers.classify_customer"),
    })


@ui_permission_required("customers.view_classificationrule")
def rule_detail(request, pk: int):
    rule = selectors.classification_rule_get(user=request.user, pk=pk)
    return render(request, "customers/rule_detail.html", {
        "rule": rule, "history": history_for(rule), "can_change": _hq(request.user, "change"),
        "can_delete": _hq(request.user, "delete"),
    })


@ui_permission_required("customers.add_classificationrule")
def rule_create(request):
    form = RuleForm(request.POST or None, creating=True, initial={"visit_interval_days": 180, "is_active": True})
    if request.method == "POST" and form.is_valid():
        try:
            rule = services.classification_rule_create(user=request.user, data=dict(form.cleaned_data))
        except ApplicationError as exc:
            if exc.status == 403:
                raise
            add_errors_to_form(form, exc)
        else:
            messages.success(request, _("Rule created."))
            return redirect("customers:rule_detail", pk=rule.pk)
    return render(request, "customers/rule_form.html", {"form": form, "title": _("New classification rule")})


@ui_permission_required("customers.change_classificationrule")
def rule_edit(request, pk: int):
    rule = selectors.classification_rule_get(user=request.user, pk=pk, action="change")
    form = RuleForm(request.POST or None, initial={f: getattr(rule, f) for f in RULE_FORM_FIELDS})
    if request.method == "POST" and form.is_valid():
        try:
            services.classification_rule_update(user=request.user, pk=pk, data=dict(form.cleaned_data))
        except ApplicationError as exc:
            if exc.status == 403:
                raise
            add_errors_to_form(form, exc)
        else:
            messages.success(request, _("Rule saved. Recompute the classification to apply it."))
            return redirect("customers:rule_detail", pk=pk)
    return render(request, "customers/rule_form.html", {"form": form, "title": str(rule), "rule": rule})


@ui_permission_required("customers.delete_classificationrule")
def rule_delete(request, pk: int):
    rule = selectors.classification_rule_get(user=request.user, pk=pk, action="delete")
    if request.method == "POST":
        services.classification_rule_delete(user=request.user, pk=pk)
        messages.success(request, _("Rule deleted."))
        return redirect("customers:rule_list")
    return render(request, "customers/confirm_delete.html", {"object": rule})


@require_POST
@ui_permission_required("customers.classify_customer")
def classify_all(request):
    counts = services.customers_classify_all(user=request.user)
    messages.success(request, _("%(n)d archives classified.") % {"n": counts["classified"]})
    return redirect("customers:rule_list")
