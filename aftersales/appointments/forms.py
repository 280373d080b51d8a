from django import forms
from django.utils.translation import gettext_lazy as _

from aftersales.core.choices import ServiceType
from aftersales.core.ui import BootstrapFormMixin

from .choices import AppointmentChannel


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class BookingForm(BootstrapFormMixin, forms.Form):
    service_point = forms.TypedChoiceField(label=_("Service point"), coerce=int)
    customer = forms.IntegerField(widget=forms.HiddenInput)
    asset = forms.TypedChoiceField(label=_("Vehicle or product"), coerce=int, required=False, empty_value=None)
    service_type = forms.ChoiceField(label=_("Service type"), choices=ServiceType.choices)
    channel = forms.ChoiceField(label=_("Channel"), choices=AppointmentChannel.choices, initial=AppointmentChannel.PHONE)
    estimated_minutes = forms.IntegerField(label=_("Estimated duration (minutes)"), initial=60, min_value=5,
                                           max_value=720)
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=DateTimeInput,
                                    input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
                                    help_text=_("Pick one of the recommended slots or type a slot's start."))
    estimated_price = forms.DecimalField(label=_("Estimated price (CNY)"), required=False, min_value=0,
                                         max_digits=14, decimal_places=2)
    advisor = forms.TypedChoiceField(label=_("Service advisor"), coerce=int, required=False, empty_value=None)
    concerns = forms.CharField(label=_("Customer concerns / work"), required=False, max_length=5000,
                               widget=forms.Textarea(attrs={"rows": 3, "col": "col-12"}))
    overbook = forms.BooleanField(label=_("Overbook (managers)"), required=False)

    def __init__(self, *args, points=(), assets=(), advisors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service_point"].choices = [(p.pk, p.name) for p in points]
        self.fields["asset"].choices = [("", "—"), *((a.pk, str(a)) for a in assets)]
        self.fields["advisor"].choices = [("", _("Me")), *((u.pk, u.get_full_name() or u.username) for u in advisors)]
        for name in ("service_point", "service_type", "estimated_minutes"):
            self.fields[name].widget.attrs["data-recommend"] = "1"


class EditForm(BootstrapFormMixin, forms.Form):
    service_type = forms.ChoiceField(label=_("Service type"), choices=ServiceType.choices)
    estimated_price = forms.DecimalField(label=_("Estimated price (CNY)"), required=False, min_value=0,
                                         max_digits=14, decimal_places=2)
    concerns = forms.CharField(label=_("Customer concerns / work"), required=False, max_length=5000,
                               widget=forms.Textarea(attrs={"rows": 3, "col": "col-12"}))


class RescheduleForm(BootstrapFormMixin, forms.Form):
    starts_at = forms.DateTimeField(label=_("New start"), widget=DateTimeInput,
                                    input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    estimated_minutes = forms.IntegerField(label=_("Estimated duration (minutes)"), required=False, min_value=5,
                                           max_value=720)
    overbook = forms.BooleanField(label=_("Overbook (managers)"), required=False)
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class CancelForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason for cancelling"), max_length=255)


class CapacityForm(BootstrapFormMixin, forms.Form):
    slot_minutes = forms.TypedChoiceField(label=_("Slot length (minutes)"), coerce=int,
                                          choices=[(n, n) for n in (15, 20, 30, 45, 60, 90, 120)])
    bays = forms.IntegerField(label=_("Bays per slot"), min_value=0, max_value=500)
    technician_hours = forms.DecimalField(label=_("Technician hours per slot"), min_value=0, max_value=999,
                                          decimal_places=2)
    opening_hours = forms.CharField(
        label=_("Opening hours"), required=False, widget=forms.Textarea(attrs={"rows": 3, "col": "col-12"}),
        help_text=_('JSON per weekday 1-7, e.g. {"1": [["08:30", "17:30"]]}; empty: the service point\'s hours.'))


class HolidayForm(BootstrapFormMixin, forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    name = forms.CharField(label=_("Name"), max_length=100)
    company_wide = forms.BooleanField(label=_("Company-wide (head office)"), required=False)


class OverrideForm(BootstrapFormMixin, forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    opening_hours = forms.CharField(label=_("Opening hours"), required=False,
                                    help_text=_('e.g. [["09:00", "12:00"]]; empty: closed.'))
    bays = forms.IntegerField(label=_("Bays per slot"), required=False, min_value=0, max_value=500)
    technician_hours = forms.DecimalField(label=_("Technician hours per slot"), required=False, min_value=0,
                                          max_value=999, decimal_places=2)
    note = forms.CharField(label=_("Note"), required=False, max_length=200)
