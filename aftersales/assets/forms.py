from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from aftersales.core.ui import BootstrapFormMixin

from .choices import AssetKind, CoverageKind, MeterUnit


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class VinInput(forms.TextInput):
    """The VIN box checks itself as the advisor types (HTMX → ``assets:vin_check``)."""

    template_name = "assets/widgets/vin_input.html"

    def __init__(self, attrs=None):
        base = {
            "hx-get": reverse_lazy("assets:vin_check"), "hx-trigger": "input changed delay:400ms, change",
            "hx-target": "#vin-feedback", "hx-swap": "innerHTML", "autocomplete": "off", "spellcheck": "false",
            "maxlength": "17", "style": "text-transform: uppercase", "aria-describedby": "vin-feedback",
        }
        super().__init__({**base, **(attrs or {})})


class OwnerSelect(forms.Select):
    template_name = "assets/widgets/owner_select.html"


# Form field → service field names, so that service errors land beside the right box.
FIELD_NAMES = {"owner": "owner_id", "service_point": "service_point_id", "selling_dealer": "selling_dealer_id",
               "initial_reading_on": "initial_reading.read_on", "initial_reading_value": "initial_reading.value"}


class AssetForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=AssetKind.choices)
    # Any customer id: the options arrive from the search as the advisor types; the service checks visibility.
    owner = forms.IntegerField(label=_("owner"), widget=OwnerSelect)
    service_point = forms.TypedChoiceField(label=_("home service point"), coerce=int)
    brand = forms.CharField(label=_("brand"), max_length=50)
    model = forms.CharField(label=_("model"), max_length=100, required=False)
    vin = forms.CharField(label=_("VIN"), max_length=17, required=False, widget=VinInput)
    plate = forms.CharField(label=_("plate"), max_length=12, required=False,
                            widget=forms.TextInput(attrs={"placeholder": "京A12345"}))
    engine_number = forms.CharField(label=_("engine number"), max_length=32, required=False)
    colour = forms.CharField(label=_("colour"), max_length=30, required=False)
    serial_number = forms.CharField(label=_("serial number"), max_length=64, required=False)
    installation_date = forms.DateField(label=_("installation date"), required=False, widget=DateInput)
    installation_address = forms.CharField(label=_("installation address"), max_length=255, required=False)
    model_year = forms.IntegerField(label=_("model year"), min_value=1900, max_value=2100, required=False,
                                    help_text=_("Empty: taken from the VIN."))
    sale_date = forms.DateField(label=_("sale date"), required=False, widget=DateInput)
    selling_dealer = forms.TypedChoiceField(label=_("selling dealer"), coerce=int, required=False, empty_value=None)
    meter_unit = forms.ChoiceField(label=_("meter unit"), choices=MeterUnit.choices)
    initial_reading_on = forms.DateField(label=_("first reading on"), required=False, widget=DateInput)
    initial_reading_value = forms.IntegerField(label=_("first reading"), min_value=0, max_value=99_999_999,
                                               required=False)
    notes = forms.CharField(label=_("notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    VEHICLE_FIELDS = ("vin", "plate", "engine_number", "colour")
    PRODUCT_FIELDS = ("serial_number", "installation_date", "installation_address")

    def __init__(self, *args, kind: str, owner_choices=(), points=(), dealers=(), editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if "owner" in self.fields:
            self.fields["owner"].widget.choices = [("", "—"), *owner_choices]
        self.fields["service_point"].choices = [(p.pk, f"{'· ' * p.depth}{p.name}") for p in points]
        self.fields["selling_dealer"].choices = [("", "—"), *[(p.pk, p.name) for p in dealers]]
        drop = self.PRODUCT_FIELDS if kind == AssetKind.VEHICLE else self.VEHICLE_FIELDS
        for name in drop:
            del self.fields[name]
        if kind == AssetKind.VEHICLE:
            self.fields["vin"].required = True
        else:
            self.fields["serial_number"].required = True
        if editing:
            for name in ("kind", "owner", "initial_reading_on", "initial_reading_value"):
                del self.fields[name]
        else:
            self.fields["kind"].widget.attrs["data-reload-on-change"] = "kind"
        self.fields["notes"].widget.attrs["col"] = "col-12"

    def clean(self):
        data = super().clean()
        if bool(data.get("initial_reading_on")) != (data.get("initial_reading_value") is not None):
            self.add_error("initial_reading_value" if data.get("initial_reading_on") else "initial_reading_on",
                           _("Give both the date and the value of the first reading."))
        return data

    def service_data(self) -> dict:
        data = {FIELD_NAMES.get(k, k): v for k, v in self.cleaned_data.items()
                if not k.startswith("initial_reading") and k in self.fields}
        if self.cleaned_data.get("initial_reading_on"):
            data["initial_reading"] = {"read_on": self.cleaned_data["initial_reading_on"],
                                       "value": self.cleaned_data["initial_reading_value"]}
        return data


class TransferForm(BootstrapFormMixin, forms.Form):
    owner = forms.IntegerField(label=_("new owner"), widget=OwnerSelect)
    on_date = forms.DateField(label=_("owner from"), widget=DateInput)

    def __init__(self, *args, owner_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].widget.choices = [("", "—"), *owner_choices]


class ReadingForm(BootstrapFormMixin, forms.Form):
    read_on = forms.DateField(label=_("date"), widget=DateInput)
    value = forms.IntegerField(label=_("reading"), min_value=0, max_value=99_999_999)
    is_meter_replacement = forms.BooleanField(label=_("meter replaced"), required=False,
                                              help_text=_("A new meter starts again from a lower value."))
    source = forms.ChoiceField(label=_("source"), required=False, choices=[
        ("", "—"), ("service", _("service visit")), ("reception", _("reception")), ("customer", _("customer")),
        ("inspection", _("inspection"))])


class CoverageForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=CoverageKind.choices)
    starts_on = forms.DateField(label=_("starts on"), widget=DateInput)
    ends_on = forms.DateField(label=_("ends on"), widget=DateInput)
    distance_limit = forms.IntegerField(label=_("distance limit (km)"), min_value=1, max_value=99_999_999,
                                        required=False, help_text=_("Empty: no distance limit."))
    provider = forms.CharField(label=_("provider / insurer"), max_length=100, required=False)
    policy_number = forms.CharField(label=_("policy or contract number"), max_length=64, required=False)
    notes = forms.CharField(label=_("notes"), required=False, widget=forms.Textarea(attrs={"rows": 2, "col": "col-12"}))


class IntervalForm(BootstrapFormMixin, forms.Form):
    brand = forms.CharField(label=_("brand"), max_length=50)
    model = forms.CharField(label=_("model"), max_length=100, required=False,
                            help_text=_("Empty: the brand's default for every model."))
    months = forms.IntegerField(label=_("every (months)"), min_value=0, max_value=120, initial=6)
    distance = forms.IntegerField(label=_("every (km or hours)"), min_value=0, max_value=1_000_000, initial=5000)
    first_months = forms.IntegerField(label=_("first service after (months)"), min_value=1, max_value=120,
                                      required=False)
    first_distance = forms.IntegerField(label=_("first service after (km or hours)"), min_value=1,
                                        max_value=1_000_000, required=False)


def form_errors_from_service(form: forms.Form, error) -> None:
    """Place a service error beside the form's own fields (owner_id → owner, …)."""
    from aftersales.core.ui import add_errors_to_form

    reverse = {v: k for k, v in FIELD_NAMES.items()}
    error.fields = {reverse.get(name, name): reasons for name, reasons in error.fields.items()}
    add_errors_to_form(form, error)
