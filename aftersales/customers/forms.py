from django import forms
from django.utils.translation import gettext_lazy as _

from aftersales.core.inputs import MAX_ROW_ID
from aftersales.core.ui import BootstrapFormMixin

from .choices import (
    AbcClass,
    Channel,
    ClassDimension,
    CreditRating,
    CustomerKind,
    FollowUpPriority,
    IdType,
    PhoneKind,
    Segment,
    ValueTier,
)

GENDERS = [("", "—"), ("M", _("male")), ("F", _("female"))]


class CustomerForm(BootstrapFormMixin, forms.Form):
    """Checks only the shape of the input; the rules live in the services (errors come back beside fields)."""

    kind = forms.ChoiceField(label=_("kind"), choices=CustomerKind.choices, initial=CustomerKind.PERSON)
    name = forms.CharField(label=_("name"), max_length=100)
    contact_person = forms.CharField(label=_("contact person"), max_length=100, required=False)
    gender = forms.ChoiceField(label=_("gender"), choices=GENDERS, required=False)
    birthday = forms.DateField(label=_("birthday"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    id_type = forms.ChoiceField(label=_("ID type"), choices=[("", _("from the kind")), *IdType.choices],
                                required=False)
    id_number = forms.CharField(label=_("ID number"), max_length=32, required=False)
    home_point = forms.TypedChoiceField(label=_("home service point"), coerce=int)
    segment = forms.ChoiceField(label=_("segment"), choices=Segment.choices, initial=Segment.PRIVATE)
    wechat = forms.CharField(label=_("WeChat id"), max_length=64, required=False)
    email = forms.CharField(label=_("e-mail"), max_length=254, required=False,
                            widget=forms.EmailInput(attrs={"autocomplete": "off"}))
    preferred_channel = forms.ChoiceField(label=_("preferred channel"), choices=Channel.choices,
                                          initial=Channel.PHONE)
    preferred_hours = forms.CharField(label=_("preferred contact hours"), max_length=32, required=False,
                                      help_text=_("For example 09:00-18:00"))
    marketing_consent = forms.BooleanField(label=_("consents to marketing"), required=False)
    preferences = forms.CharField(label=_("preferences"), max_length=2000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))
    credit_rating = forms.ChoiceField(label=_("credit rating"), choices=CreditRating.choices,
                                      initial=CreditRating.NORMAL)
    credit_limit = forms.DecimalField(label=_("credit limit"), min_value=0, max_digits=14, decimal_places=2,
                                      initial=0)
    payment_term_days = forms.IntegerField(label=_("payment terms (days)"), min_value=0, max_value=365, initial=0)
    referred_by = forms.IntegerField(label=_("referred by (archive no.)"), min_value=1, max_value=MAX_ROW_ID,
                                     required=False)
    notes = forms.CharField(label=_("notes"), max_length=5000, required=False,
                            widget=forms.Textarea(attrs={"rows": 3}))
    is_active = forms.BooleanField(label=_("active"), required=False, initial=True)
    allow_duplicate = forms.BooleanField(
        label=_("Create anyway: this is a different customer"), required=False,
        help_text=_("Only when you are sure the other archive is someone else."))

    # form field → service field
    SERVICE_NAMES = {"home_point": "home_point_id", "referred_by": "referred_by_id"}

    def __init__(self, *args, points=(), editing=False, may_allow_duplicate=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["home_point"].choices = [(p.pk, f"{'· ' * p.depth}{p.name}") for p in points]
        if not editing:
            del self.fields["is_active"]
        if not may_allow_duplicate:
            del self.fields["allow_duplicate"]
        for name in ("preferences", "notes"):
            self.fields[name].widget.attrs["col"] = "col-12"

    def service_data(self) -> dict:
        data = {self.SERVICE_NAMES.get(k, k): v for k, v in self.cleaned_data.items() if k != "allow_duplicate"}
        return data

    def field_for(self, service_name: str) -> str | None:
        reverse = {v: k for k, v in self.SERVICE_NAMES.items()}
        name = reverse.get(service_name, service_name)
        return name if name in self.fields else None


class PhoneForm(BootstrapFormMixin, forms.Form):
    number = forms.CharField(label=_("phone"), max_length=40, widget=forms.TextInput(attrs={
        "inputmode": "tel", "autocomplete": "off"}))
    kind = forms.ChoiceField(label=_("kind"), choices=[("", _("automatic")), *PhoneKind.choices], required=False)
    is_primary = forms.BooleanField(label=_("primary"), required=False)


class AddressForm(BootstrapFormMixin, forms.Form):
    label = forms.CharField(label=_("label"), max_length=32, required=False)
    province = forms.CharField(label=_("province"), max_length=50, required=False)
    city = forms.CharField(label=_("city"), max_length=50, required=False)
    district = forms.CharField(label=_("district"), max_length=50, required=False)
    street = forms.CharField(label=_("street address"), max_length=255)
    postcode = forms.CharField(label=_("postcode"), max_length=6, required=False)
    is_primary = forms.BooleanField(label=_("primary"), required=False)


class _RowFormSet(forms.BaseFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("remove")
            form.fields["DELETE"].widget.attrs["class"] = "form-check-input"


# One blank row each (ids id_phones-0-number, id_addresses-0-street on a new archive); more rows are added in the page.
PhoneFormSet = forms.formset_factory(PhoneForm, formset=_RowFormSet, extra=1, can_delete=True, max_num=10, validate_max=True)
AddressFormSet = forms.formset_factory(AddressForm, formset=_RowFormSet, extra=1, can_delete=True, max_num=10, validate_max=True)


class CustomerFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=100)
    segment = forms.ChoiceField(required=False, choices=[("", _("All segments")), *Segment.choices])
    abc_class = forms.ChoiceField(required=False, choices=[("", _("All classes")), *AbcClass.choices])
    value_tier = forms.ChoiceField(required=False, choices=[("", _("All tiers")), *ValueTier.choices])
    home_point = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    ordering = forms.ChoiceField(required=False, choices=[
        ("-id", _("Newest first")), ("name", _("Name")), ("-last_visit", _("Last visit")),
        ("-spend", _("Total spend")), ("-visits", _("Visits"))])
    include_inactive = forms.BooleanField(required=False)

    def __init__(self, *args, points=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["home_point"].choices = [("", _("All service points")),
                                             *[(p.pk, f"{'· ' * p.depth}{p.name}") for p in points]]


class MergeForm(BootstrapFormMixin, forms.Form):
    source_id = forms.IntegerField(label=_("Duplicate archive no."), min_value=1, max_value=MAX_ROW_ID,
                                   help_text=_("Its phones, addresses, assets and history move to this archive; "
                                               "it is then closed."))
    confirm = forms.BooleanField(label=_("I have checked that both archives are the same customer"))


class RuleForm(BootstrapFormMixin, forms.Form):
    dimension = forms.ChoiceField(label=_("dimension"), choices=ClassDimension.choices)
    result = forms.ChoiceField(label=_("class"), choices=[*AbcClass.choices, *ValueTier.choices])
    description = forms.CharField(label=_("description"), max_length=200, required=False)
    max_recency_days = forms.IntegerField(label=_("last visit within (days)"), min_value=0, max_value=36500,
                                          required=False)
    min_visits = forms.IntegerField(label=_("at least visits"), min_value=0, max_value=36500, required=False)
    min_spend = forms.DecimalField(label=_("at least spent (CNY)"), min_value=0, max_digits=14, decimal_places=2,
                                   required=False)
    min_tenure_days = forms.IntegerField(label=_("customer for at least (days)"), min_value=0, max_value=36500,
                                         required=False)
    credit_ratings = forms.MultipleChoiceField(label=_("credit ratings"), choices=CreditRating.choices,
                                               required=False, widget=forms.CheckboxSelectMultiple,
                                               help_text=_("None ticked: any rating."))
    visit_interval_days = forms.IntegerField(label=_("visit every (days)"), min_value=1, max_value=3650)
    follow_up_priority = forms.ChoiceField(label=_("follow-up priority"), choices=FollowUpPriority.choices)
    strategy = forms.CharField(label=_("service strategy"), max_length=2000, required=False,
                               widget=forms.Textarea(attrs={"rows": 3, "col": "col-12"}))
    is_active = forms.BooleanField(label=_("active"), required=False)

    def __init__(self, *args, creating=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not creating:
            del self.fields["dimension"]
            del self.fields["result"]
        self.fields["credit_ratings"].widget.attrs["class"] = "form-check-input"
