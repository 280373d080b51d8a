from django import forms
from django.utils.translation import gettext_lazy as _

from aftersales.core.choices import PayType
from aftersales.core.ui import BootstrapFormMixin
from aftersales.parts.choices import PartCategory
from aftersales.workshop.choices import LineCause, LineKind, OperationCategory

from .choices import ExclusionEffect, ExclusionKind, ExclusionScope
from .models import WarrantyExclusion

BLANK = [("", "—")]
# The form field that holds the value of each kind of exclusion.
VALUE_FIELDS = {
    ExclusionKind.PART_CATEGORY: "part_category",
    ExclusionKind.OPERATION_CATEGORY: "operation_category",
    ExclusionKind.CAUSE: "cause",
    ExclusionKind.HOUR_LIMIT: "hours",
}


class ExclusionForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=ExclusionKind.choices)
    part_category = forms.ChoiceField(label=_("part category"), choices=BLANK + PartCategory.choices,
                                      required=False, help_text=_("For a part category rule."))
    operation_category = forms.ChoiceField(label=_("labour operation category"),
                                           choices=BLANK + OperationCategory.choices, required=False,
                                           help_text=_("For a labour operation category rule."))
    cause = forms.ChoiceField(label=_("cause"), choices=BLANK + LineCause.choices, required=False,
                              help_text=_("For a cause rule."))
    hours = forms.DecimalField(label=_("hour limit"), required=False, min_value=0, max_digits=5, decimal_places=2,
                               help_text=_("For a labour-hour rule: jobs above this many hours."))
    brand = forms.CharField(label=_("brand"), max_length=50, required=False, help_text=_("Empty: every brand."))
    applies_to = forms.ChoiceField(label=_("applies to"), choices=ExclusionScope.choices,
                                   initial=ExclusionScope.WARRANTY)
    effect = forms.ChoiceField(label=_("effect"), choices=[("", _("(default for the kind)"))] +
                               ExclusionEffect.choices, required=False)
    is_active = forms.BooleanField(label=_("active"), required=False, initial=True)
    note = forms.CharField(label=_("note"), max_length=255, required=False,
                           help_text=_("Added to the reason the advisor reads."))

    @classmethod
    def initial_for(cls, rule: WarrantyExclusion) -> dict:
        initial = {"kind": rule.kind, "brand": rule.brand, "applies_to": rule.applies_to, "effect": rule.effect,
                   "is_active": rule.is_active, "note": rule.note}
        field = VALUE_FIELDS.get(rule.kind)
        if field:
            initial[field] = rule.value
        return initial

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        field = VALUE_FIELDS.get(data["kind"])
        value = data.get(field) if field else ""
        data["value"] = "" if value is None else str(value)
        for name in VALUE_FIELDS.values():
            data.pop(name, None)
        return data

    def value_field(self) -> str:
        return VALUE_FIELDS.get(self.data.get("kind") or self.initial.get("kind"), "kind")


class CheckForm(BootstrapFormMixin, forms.Form):
    """What the advisor types to see whether a line would be covered."""

    asset = forms.CharField(label=_("vehicle or product"), max_length=64,
                            help_text=_("Plate, VIN or serial number."))
    on_date = forms.DateField(label=_("date"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
                              help_text=_("Empty: today."))
    mileage = forms.IntegerField(label=_("reading (km or hours)"), min_value=0, max_value=99_999_999,
                                 required=False)
    pay_type = forms.ChoiceField(label=_("pay type"), choices=PayType.choices, initial=PayType.WARRANTY)
    kind = forms.ChoiceField(label=_("line kind"), choices=LineKind.choices, initial=LineKind.LABOUR)
    cause = forms.ChoiceField(label=_("cause"), choices=LineCause.choices, initial=LineCause.FAULT)
    part = forms.CharField(label=_("part number"), max_length=40, required=False)
    operation = forms.CharField(label=_("labour operation code"), max_length=32, required=False)
    hours = forms.DecimalField(label=_("hours"), min_value=0, max_digits=6, decimal_places=2, required=False,
                               help_text=_("Empty: the operation's standard hours."))
