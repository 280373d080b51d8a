"""Forms of the floor and the cashier. They only shape input; the rules are the services' (their errors
come back beside these fields through ``FIELD_MAP`` and ``add_errors_to_form``)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from aftersales.core.choices import ServiceType
from aftersales.core.ui import BootstrapFormMixin

from ..choices import OldParts, PaymentMethod, TimeEntryEnd
from .orders import DateTimeInput

CUSTOMER_METHODS = [(m.value, m.label) for m in PaymentMethod if m != PaymentMethod.INSURER]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


# ---- floor --------------------------------------------------------------------------------------

class AssignForm(BootstrapFormMixin, forms.Form):
    technicians = forms.TypedMultipleChoiceField(label=_("technicians"), coerce=int,
                                                 widget=forms.SelectMultiple(attrs={"size": 3}))

    def __init__(self, *args, technicians=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["technicians"].choices = [(u.pk, str(u)) for u in technicians]


class ClockOffForm(forms.Form):
    reason = forms.ChoiceField(label=_("why clocked off"), choices=TimeEntryEnd.choices)
    note = forms.CharField(label=_("note"), max_length=255, required=False)


class TimeEntryForm(BootstrapFormMixin, forms.Form):
    started_at = forms.DateTimeField(label=_("clocked on"), widget=DateTimeInput)
    ended_at = forms.DateTimeField(label=_("clocked off"), required=False, widget=DateTimeInput)
    end_reason = forms.ChoiceField(label=_("why clocked off"), required=False,
                                   choices=[("", "—"), *TimeEntryEnd.choices])
    note = forms.CharField(label=_("note"), max_length=255, required=False)


class ChecklistForm(BootstrapFormMixin, forms.Form):
    service_type = forms.ChoiceField(label=_("service type"), choices=ServiceType.choices)
    service_point = forms.ChoiceField(label=_("service point"), required=False)
    name = forms.CharField(label=_("name"), max_length=100)
    items = forms.CharField(label=_("checks"), help_text=_("One check per line."),
                            widget=forms.Textarea(attrs={"rows": 8, "col": "col-12"}))
    is_active = forms.BooleanField(label=_("active"), required=False, initial=True)

    def __init__(self, *args, points=(), allow_default=False, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(str(p.pk), p.name) for p in points]
        if allow_default:
            choices.insert(0, ("", _("Default for every point without a list of its own")))
        self.fields["service_point"].choices = choices
        self.fields["service_point"].required = not allow_default

    def service_data(self) -> dict:
        data = self.cleaned_data
        return {"service_type": data["service_type"], "service_point_id": data.get("service_point") or None,
                "name": data["name"], "items": data["items"], "is_active": data.get("is_active", False)}


class InspectionForm(BootstrapFormMixin, forms.Form):
    """One ok / not ok with a note per check; the reasons and the jobs to redo when something failed."""

    reasons = forms.CharField(label=_("reasons for failing"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3, "col": "col-12"}),
                              help_text=_("Required when a check is not ok."))
    redo = forms.TypedMultipleChoiceField(label=_("jobs to redo"), coerce=int, required=False,
                                          widget=forms.CheckboxSelectMultiple,
                                          help_text=_("Default: every job."))

    def __init__(self, *args, items=(), jobs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        self.fields["redo"].widget.attrs["class"] = "form-check-input"
        self.fields["redo"].choices = [(line.pk, f"{line.sequence}. {line.description}") for line in jobs]
        for i, item in enumerate(self.items):
            self.fields[f"ok_{i}"] = forms.ChoiceField(
                label=item, choices=[("1", _("OK")), ("0", _("Not OK"))], widget=forms.RadioSelect)
            self.fields[f"note_{i}"] = forms.CharField(label=_("note"), required=False, max_length=500)

    def checks(self):
        return [{"item": item, "ok": self[f"ok_{i}"], "note": self[f"note_{i}"]} for i, item in enumerate(self.items)]

    def results(self) -> list[dict]:
        data = self.cleaned_data
        return [{"item": item, "ok": data.get(f"ok_{i}") == "1", "note": data.get(f"note_{i}", "")}
                for i, item in enumerate(self.items)]


# ---- cashier ------------------------------------------------------------------------------------

class DiscountForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("discount as"), choices=[("amount", _("amount (CNY)")), ("percent", _("percent"))],
                             initial="amount")
    value = forms.DecimalField(label=_("discount"), min_value=0, max_digits=14, decimal_places=2,
                               widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}))
    reason = forms.CharField(label=_("reason"), max_length=255, required=False)

    def service_data(self) -> dict:
        data = self.cleaned_data
        return {"amount" if data["kind"] == "amount" else "percent": data["value"], "reason": data["reason"]}


class PaymentForm(BootstrapFormMixin, forms.Form):
    method = forms.ChoiceField(label=_("method"), choices=CUSTOMER_METHODS)
    amount = forms.DecimalField(label=_("amount"), min_value=0, max_digits=14, decimal_places=2,
                                widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}))
    reference = forms.CharField(label=_("reference"), max_length=64, required=False,
                                help_text=_("Receipt, card slip or transaction number."))


class SettleForm(forms.Form):
    note = forms.CharField(label=_("note"), max_length=500, required=False)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    note = forms.CharField(label=_("note"), max_length=255, required=False)


class DeliveryForm(BootstrapFormMixin, forms.Form):
    notes = forms.CharField(label=_("explained at delivery"), max_length=5000,
                            widget=forms.Textarea(attrs={"rows": 8, "col": "col-12"}))
    next_service_date = forms.DateField(label=_("next service on"), required=False, widget=DateInput)
    next_service_mileage = forms.IntegerField(label=_("next service at (km)"), required=False, min_value=0,
                                              max_value=99_999_999,
                                              widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    note = forms.CharField(label=_("note"), max_length=500, required=False)

    def __init__(self, *args, parts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.part_fields = []
        choices = [(o.value, o.label) for o in OldParts if o != OldParts.NONE]
        for line, default in parts:
            name = f"old_part_{line.pk}"
            self.fields[name] = forms.ChoiceField(label=f"{line.sequence}. {line.description}", choices=choices,
                                                  initial=default)
            self.fields[name].widget.attrs["class"] = "form-select"
            self.part_fields.append((name, line))

    def service_data(self) -> dict:
        data = self.cleaned_data
        return {"notes": data["notes"], "next_service_date": data.get("next_service_date"),
                "next_service_mileage": data.get("next_service_mileage"), "note": data.get("note", ""),
                "old_parts": [{"line_id": line.pk, "disposition": data[name]} for name, line in self.part_fields]}


class HoursFilterForm(forms.Form):
    date_from = forms.DateField(label=_("from"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("to"), required=False, widget=DateInput)
    point = forms.TypedChoiceField(label=_("service point"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, points=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["point"].choices = [("", _("All my service points")), *[(p.pk, p.name) for p in points]]
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
