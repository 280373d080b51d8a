"""Forms of reception, lines, approvals and the labour catalogue. They only shape input; the rules
are the services' (their errors come back beside these fields)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from aftersales.core.choices import PayType, ServiceType
from aftersales.core.ui import BootstrapFormMixin

from ..choices import DamageArea, DamageKind, LineCause, LineKind, OperationCategory


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class ReceptionForm(BootstrapFormMixin, forms.Form):
    """Check-in: the vehicle, what the customer says, the walk-around. Damage rows come as lists
    (``damage_area`` / ``damage_kind`` / ``damage_description``) from the outline."""

    appointment = forms.IntegerField(widget=forms.HiddenInput, required=False)
    service_point = forms.TypedChoiceField(label=_("service point"), coerce=int)
    asset = forms.IntegerField(label=_("vehicle or product"), widget=forms.Select,
                               help_text=_("Search by plate, VIN or serial number."))
    service_type = forms.ChoiceField(label=_("service type"), choices=ServiceType.choices)
    advisor = forms.TypedChoiceField(label=_("service advisor"), coerce=int, required=False, empty_value=None)
    mileage = forms.IntegerField(label=_("mileage at reception"), min_value=0, max_value=99_999_999, required=False,
                                 widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    fuel_level = forms.IntegerField(label=_("fuel level (%)"), min_value=0, max_value=100, required=False,
                                    widget=forms.NumberInput(attrs={"type": "range", "step": 5,
                                                                    "class": "form-range"}))
    promised_at = forms.DateTimeField(label=_("promised for"), required=False, widget=DateTimeInput)
    concerns = forms.CharField(label=_("customer concerns (in their words)"), required=False, max_length=4000,
                               widget=forms.Textarea(attrs={"rows": 3, "col": "col-12"}))
    valuables = forms.CharField(label=_("valuables left in the vehicle"), required=False, max_length=2000,
                                widget=forms.Textarea(attrs={"rows": 2}))
    walkaround_notes = forms.CharField(label=_("walk-around notes"), required=False, max_length=4000,
                                       widget=forms.Textarea(attrs={"rows": 2}))
    diagnosis = forms.CharField(label=_("diagnosis"), required=False, max_length=4000,
                                widget=forms.Textarea(attrs={"rows": 2, "col": "col-12"}))

    def __init__(self, *args, points=(), advisors=(), asset_choices=(), from_appointment=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service_point"].choices = [(p.pk, p.name) for p in points]
        self.fields["advisor"].choices = [("", "—"), *[(u.pk, str(u)) for u in advisors]]
        self.fields["asset"].widget.choices = [("", "—"), *asset_choices]
        self.fields["fuel_level"].widget.attrs["class"] = "form-range"
        if from_appointment:
            for name in ("service_point", "asset"):
                self.fields[name].required = False
                self.fields[name].disabled = True

    def service_data(self, post) -> dict:
        data = {
            "service_point_id": self.cleaned_data.get("service_point"), "asset_id": self.cleaned_data.get("asset"),
            "advisor_id": self.cleaned_data.get("advisor"),
            **{name: self.cleaned_data.get(name) for name in (
                "service_type", "mileage", "fuel_level", "promised_at", "concerns", "valuables", "walkaround_notes",
                "diagnosis")},
        }
        if self.cleaned_data.get("appointment"):
            data = {k: v for k, v in data.items() if k not in ("service_point_id", "asset_id")}
            data["appointment_id"] = self.cleaned_data["appointment"]
        data["damages"] = damage_rows(post)
        return data

    def photos(self, files) -> list:
        return files.getlist("photos")


def damage_rows(post) -> list[dict]:
    areas, kinds = post.getlist("damage_area"), post.getlist("damage_kind")
    notes = post.getlist("damage_description")
    rows = []
    for i, area in enumerate(areas[:50]):
        if not area:
            continue
        rows.append({"area": area, "kind": kinds[i] if i < len(kinds) else "",
                     "description": notes[i] if i < len(notes) else ""})
    return rows


RECEPTION_FIELDS = {"service_point": "service_point_id", "asset": "asset_id", "advisor": "advisor_id",
                    "appointment": "appointment_id"}


class ReceptionEditForm(BootstrapFormMixin, forms.Form):
    service_type = forms.ChoiceField(label=_("service type"), choices=ServiceType.choices)
    advisor = forms.TypedChoiceField(label=_("service advisor"), coerce=int, required=False, empty_value=None)
    mileage = forms.IntegerField(label=_("mileage at reception"), min_value=0, max_value=99_999_999, required=False,
                                 help_text=_("Correctable while the order is at reception."))
    fuel_level = forms.IntegerField(label=_("fuel level (%)"), min_value=0, max_value=100, required=False)
    promised_at = forms.DateTimeField(label=_("promised for"), required=False, widget=DateTimeInput)
    concerns = forms.CharField(label=_("customer concerns (in their words)"), required=False, max_length=4000,
                               widget=forms.Textarea(attrs={"rows": 3, "col": "col-12"}))
    valuables = forms.CharField(label=_("valuables left in the vehicle"), required=False, max_length=2000,
                                widget=forms.Textarea(attrs={"rows": 2}))
    walkaround_notes = forms.CharField(label=_("walk-around notes"), required=False, max_length=4000,
                                       widget=forms.Textarea(attrs={"rows": 2}))
    diagnosis = forms.CharField(label=_("diagnosis"), required=False, max_length=4000,
                                widget=forms.Textarea(attrs={"rows": 3, "col": "col-12"}))

    def __init__(self, *args, advisors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["advisor"].choices = [("", "—"), *[(u.pk, str(u)) for u in advisors]]

    def service_data(self) -> dict:
        data = {name: value for name, value in self.cleaned_data.items() if name != "advisor"}
        data["advisor_id"] = self.cleaned_data.get("advisor")
        if data.get("mileage") is None:
            data.pop("mileage", None)
        return data


class LineForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=LineKind.choices)
    operation = forms.TypedChoiceField(label=_("labour operation"), coerce=int, required=False, empty_value=None)
    # Any part id: the options arrive from the search as the advisor types; the service checks it.
    part = forms.IntegerField(label=_("part"), required=False, widget=forms.Select)
    description = forms.CharField(label=_("description"), max_length=200, required=False)
    quantity = forms.DecimalField(label=_("quantity or hours"), required=False, decimal_places=2, max_digits=12,
                                  widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}))
    unit_price = forms.DecimalField(label=_("unit price"), required=False, decimal_places=2, max_digits=14,
                                    widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
                                    help_text=_("Free labour, sublet and other work; the catalogue prices the rest."))
    pay_type = forms.ChoiceField(label=_("pay type"), choices=PayType.choices, initial=PayType.CUSTOMER)
    cause = forms.ChoiceField(label=_("cause"), choices=LineCause.choices, initial=LineCause.FAULT)

    def __init__(self, *args, operations=(), parts=(), editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["operation"].choices = [("", "—"), *[(o.pk, f"{o.code} {o.name} ({o.standard_hours} h)")
                                                         for o in operations]]
        if "part" in self.fields:
            self.fields["part"].widget.choices = [("", "—"), *[(p.pk, part_label(p)) for p in parts]]
        if editing:
            for name in ("kind", "operation", "part"):
                del self.fields[name]

    def service_data(self) -> dict:
        names = {"operation": "operation_id", "part": "part_id"}
        data = {names.get(k, k): v for k, v in self.cleaned_data.items() if v not in (None, "")}
        if "description" in self.cleaned_data:
            data["description"] = self.cleaned_data["description"]
        return data


LINE_FIELDS = {"operation_id": "operation", "part_id": "part"}


def part_label(part) -> str:
    return f"{part.number} {part.name} · ¥{part.sale_price}"


class DamageForm(BootstrapFormMixin, forms.Form):
    area = forms.ChoiceField(label=_("where"), choices=DamageArea.choices)
    kind = forms.ChoiceField(label=_("what"), choices=DamageKind.choices)
    description = forms.CharField(label=_("description"), max_length=255, required=False)


class PhotoForm(BootstrapFormMixin, forms.Form):
    image = forms.FileField(label=_("photo"), widget=forms.ClearableFileInput(attrs={"accept": "image/*",
                                                                                   "capture": "environment"}))
    caption = forms.CharField(label=_("caption"), max_length=200, required=False)
    damage = forms.TypedChoiceField(label=_("of the damage"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, damages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["damage"].choices = [("", "—"), *[(d.pk, str(d)) for d in damages]]


class SubmitForm(BootstrapFormMixin, forms.Form):
    send_link = forms.BooleanField(label=_("send the customer a link to approve"), required=False)
    note = forms.CharField(label=_("note"), max_length=500, required=False)


class DecisionForm(BootstrapFormMixin, forms.Form):
    decision = forms.ChoiceField(label=_("answer"), choices=[("approve", _("Approved")), ("decline", _("Declined"))],
                                 widget=forms.RadioSelect, initial="approve")
    method = forms.ChoiceField(label=_("how"), choices=[("signature", _("Signed on screen")),
                                                        ("phone", _("By phone"))], initial="signature")
    approver_name = forms.CharField(label=_("name of the person approving"), max_length=100, required=False)
    note = forms.CharField(label=_("note"), max_length=500, required=False,
                           help_text=_("By phone: what the customer said, and when."))
    signature = forms.CharField(widget=forms.HiddenInput, required=False)


class CancelForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label=_("reason for cancelling"), max_length=255)


class NoteForm(BootstrapFormMixin, forms.Form):
    note = forms.CharField(label=_("note"), max_length=500, required=False)


class OperationForm(BootstrapFormMixin, forms.Form):
    code = forms.CharField(label=_("code"), max_length=32)
    name = forms.CharField(label=_("name"), max_length=120)
    category = forms.ChoiceField(label=_("category"), choices=OperationCategory.choices)
    standard_hours = forms.DecimalField(label=_("standard hours"), decimal_places=2, max_digits=6, min_value=0)
    brand = forms.CharField(label=_("brand"), max_length=50, required=False, help_text=_("Empty: every brand."))
    is_active = forms.BooleanField(label=_("active"), required=False, initial=True)


class PublicApprovalForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("decline", _("Decline"))])
    approver_name = forms.CharField(label=_("your name"), max_length=100)
    signature = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["approver_name"].widget.attrs.update({"class": "form-control", "autocomplete": "name"})
