"""Forms of the claim pages: they only read input; the services hold every rule."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from aftersales.core.ui import BootstrapFormMixin

from .models import InsuranceClaim


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


def _money(label, *, required=False, min_value=0):
    return forms.DecimalField(label=label, max_digits=14, decimal_places=2, min_value=min_value, required=required,
                              widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}))


def _text(name: str, *, required=False, rows: int | None = None):
    field = InsuranceClaim._meta.get_field(name)
    if rows:
        return forms.CharField(label=field.verbose_name, required=required, max_length=5000,
                               widget=forms.Textarea(attrs={"rows": rows, "col": "col-12"}))
    return forms.CharField(label=field.verbose_name, required=required, max_length=field.max_length)


# Every claim field a page can ask for, built fresh for each form.
FIELD_FACTORIES = {
    "coverage_id": lambda: forms.TypedChoiceField(label=_("insurance policy"), coerce=int, required=False,
                                                  empty_value=None),
    "accident_date": lambda: forms.DateField(label=_("accident date"), widget=DateInput),
    "accident_place": lambda: _text("accident_place"),
    "accident_description": lambda: _text("accident_description", rows=3),
    "report_number": lambda: _text("report_number"),
    "reported_by": lambda: _text("reported_by"),
    "reported_at": lambda: forms.DateTimeField(label=_("reported at"), required=False, widget=DateTimeInput,
                                               input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]),
    "assessor_name": lambda: _text("assessor_name"),
    "assessed_on": lambda: forms.DateField(label=_("assessed on"), required=False, widget=DateInput),
    "assessed_amount": lambda: _money(_("assessed amount")),
    "deductible": lambda: _money(_("deductible / customer's share")),
    "assessment_notes": lambda: _text("assessment_notes", rows=2),
    "claim_number": lambda: _text("claim_number"),
    "submitted_on": lambda: forms.DateField(label=_("submitted on"), required=False, widget=DateInput),
    "paid_amount": lambda: _money(_("amount received"), min_value=Decimal("0.01")),
    "paid_on": lambda: forms.DateField(label=_("paid on"), required=False, widget=DateInput),
    "notes": lambda: _text("notes", rows=2),
}


def policy_choices(policies) -> list[tuple[int | str, str]]:
    return [("", _("The policy in force on the accident date"))] + [
        (p.pk, f"{p.provider} · {p.policy_number} · {p.starts_on:%Y-%m-%d}–{p.ends_on:%Y-%m-%d}") for p in policies]


class ClaimStartForm(BootstrapFormMixin, forms.Form):
    def __init__(self, *args, policies=(), **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("coverage_id", "accident_date", "accident_place", "accident_description", "notes"):
            self.fields[name] = FIELD_FACTORIES[name]()
        self.fields["coverage_id"].choices = policy_choices(policies)
        _style(self)

    def service_data(self) -> dict:
        return dict(self.cleaned_data)


class ClaimEditForm(BootstrapFormMixin, forms.Form):
    """The claim's details that may still change in its state (``fields``)."""

    def __init__(self, *args, fields=(), policies=(), **kwargs):
        super().__init__(*args, **kwargs)
        for name in fields:
            self.fields[name] = FIELD_FACTORIES[name]()
        if "coverage_id" in self.fields:
            self.fields["coverage_id"].choices = policy_choices(policies)
        if "assessed_amount" in self.fields:
            self.fields["assessed_amount"].help_text = _(
                "Once assessed, a new amount or deductible puts the insurer's share on the work order again.")
        _style(self)

    def service_data(self) -> dict:
        """Only what the user changed (a figure of the assessment sent again is a re-assessment)."""
        return {name: self.cleaned_data[name] for name in self.changed_data}


class StepForm(BootstrapFormMixin, forms.Form):
    """The data one step takes, and a note (required to reject or withdraw)."""

    def __init__(self, *args, transition, **kwargs):
        super().__init__(*args, **kwargs)
        for name in transition.fields:
            self.fields[name] = FIELD_FACTORIES[name]()
        self.fields["note"] = forms.CharField(label=_("note"), max_length=500, required=transition.note_required,
                                              widget=forms.Textarea(attrs={"rows": 2, "col": "col-12"}))
        _style(self)

    def service_data(self) -> tuple[str, dict]:
        data = {k: v for k, v in self.cleaned_data.items() if k != "note" and v not in (None, "")}
        return self.cleaned_data.get("note", ""), data


class DocumentForm(BootstrapFormMixin, forms.Form):
    received = forms.BooleanField(label=_("received"), required=False)
    received_on = forms.DateField(label=_("received on"), required=False, widget=DateInput)
    required = forms.BooleanField(label=_("required"), required=False)
    note = forms.CharField(label=_("note"), max_length=255, required=False)
    file = forms.FileField(label=_("scan (PDF, JPEG or PNG, up to 10 MB)"), required=False,
                           widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,image/*"}))

    def service_data(self) -> dict:
        return {"received": self.cleaned_data["received"] or bool(self.cleaned_data.get("file")),
                "received_on": self.cleaned_data.get("received_on"), "required": self.cleaned_data["required"],
                "note": self.cleaned_data.get("note", "")}


def _style(form: forms.Form) -> None:
    """Bootstrap classes for the fields added after the mixin ran."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        if css not in widget.attrs.get("class", ""):
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
