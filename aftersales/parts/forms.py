from django import forms
from django.utils.translation import gettext_lazy as _

from aftersales.core.ui import BootstrapFormMixin

from .choices import PartCategory, PartUnit

QUANTITY = {"max_digits": 8, "decimal_places": 2}


class PartForm(BootstrapFormMixin, forms.Form):
    number = forms.CharField(label=_("part number"), max_length=40)
    name = forms.CharField(label=_("name"), max_length=120)
    category = forms.ChoiceField(label=_("category"), choices=PartCategory.choices, initial=PartCategory.OTHER)
    brand = forms.CharField(label=_("brand"), max_length=50, required=False)
    unit = forms.ChoiceField(label=_("unit"), choices=PartUnit.choices, initial=PartUnit.PIECE)
    sale_price = forms.DecimalField(label=_("sale price"), min_value=0, max_digits=14, decimal_places=2, initial=0)
    cost_price = forms.DecimalField(label=_("cost price"), min_value=0, max_digits=14, decimal_places=2, initial=0)
    is_wear_part = forms.BooleanField(label=_("wear part (易损件)"), required=False)
    warranty_eligible = forms.BooleanField(label=_("eligible for warranty"), required=False, initial=True)
    is_active = forms.BooleanField(label=_("active"), required=False, initial=True)


class StockOpenForm(BootstrapFormMixin, forms.Form):
    part = forms.CharField(label=_("part number"), max_length=40)
    service_point = forms.TypedChoiceField(label=_("service point"), coerce=int)
    reorder_point = forms.DecimalField(label=_("reorder point"), min_value=0, initial=0, **QUANTITY)
    bin_location = forms.CharField(label=_("bin location"), max_length=32, required=False)

    def __init__(self, *args, points=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service_point"].choices = [(p.pk, p.name) for p in points]


class StockSettingsForm(BootstrapFormMixin, forms.Form):
    reorder_point = forms.DecimalField(label=_("reorder point"), min_value=0, **QUANTITY,
                                       help_text=_("Flagged for reordering when available stock falls to it; "
                                                   "0: not watched."))
    bin_location = forms.CharField(label=_("bin location"), max_length=32, required=False)


class ReceiptForm(BootstrapFormMixin, forms.Form):
    quantity = forms.DecimalField(label=_("quantity received"), min_value=0, **QUANTITY)
    unit_cost = forms.DecimalField(label=_("unit cost"), min_value=0, max_digits=14, decimal_places=2,
                                   required=False)
    delivery_note = forms.CharField(label=_("delivery note"), max_length=64, required=False)
    note = forms.CharField(label=_("note"), max_length=255, required=False)


class CountForm(BootstrapFormMixin, forms.Form):
    counted = forms.DecimalField(label=_("counted quantity"), min_value=0, **QUANTITY)
    reason = forms.CharField(label=_("reason"), max_length=255,
                             help_text=_("For example: annual count, damaged in store, found in another bin."))
    reference = forms.CharField(label=_("count sheet"), max_length=64, required=False)
