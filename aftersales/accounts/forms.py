from django import forms
from django.utils.translation import gettext_lazy as _

from aftersales.core.ui import BootstrapFormMixin

from .choices import PointKind


class ServicePointForm(BootstrapFormMixin, forms.Form):
    code = forms.CharField(label=_("code"), max_length=32)
    name = forms.CharField(label=_("name"), max_length=100)
    kind = forms.ChoiceField(label=_("kind"), choices=PointKind.choices)
    parent_id = forms.TypedChoiceField(label=_("parent"), coerce=int, required=False, empty_value=None)
    province = forms.CharField(label=_("province"), max_length=50, required=False)
    city = forms.CharField(label=_("city"), max_length=50, required=False)
    address = forms.CharField(label=_("address"), max_length=255, required=False)
    latitude = forms.DecimalField(label=_("latitude"), min_value=-90, max_value=90, decimal_places=6, required=False)
    longitude = forms.DecimalField(label=_("longitude"), min_value=-180, max_value=180, decimal_places=6,
                                   required=False)
    phone = forms.CharField(label=_("phone"), max_length=20, required=False)
    brands = forms.CharField(label=_("brands served"), required=False, help_text=_("Separate with commas."))
    skills = forms.CharField(label=_("skills"), required=False, help_text=_("Separate with commas."))
    bays = forms.IntegerField(label=_("service bays"), min_value=0, max_value=1000, initial=0)
    technician_count = forms.IntegerField(label=_("technicians"), min_value=0, max_value=10000, initial=0)
    labour_rate = forms.DecimalField(label=_("labour rate per hour"), min_value=0, max_digits=14, decimal_places=2,
                                     initial=0)
    is_active = forms.BooleanField(label=_("active"), required=False, initial=True)

    def __init__(self, *args, parent_choices=(), editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent_id"].choices = [("", "—"), *[(p.pk, f"{'· ' * p.depth}{p.name}") for p in parent_choices]]
        if editing:
            del self.fields["parent_id"]
            del self.fields["kind"]

    def clean_brands(self):
        return [b.strip() for b in self.cleaned_data["brands"].replace("，", ",").split(",") if b.strip()]

    def clean_skills(self):
        return [s.strip() for s in self.cleaned_data["skills"].replace("，", ",").split(",") if s.strip()]


class UserCreateForm(BootstrapFormMixin, forms.Form):
    username = forms.RegexField(label=_("user name"), max_length=150, regex=r"^[\w.@+-]+$")
    display_name = forms.CharField(label=_("display name"), max_length=100, required=False)
    email = forms.EmailField(label=_("e-mail"), required=False)
    phone = forms.CharField(label=_("phone"), max_length=20, required=False)
    password = forms.CharField(label=_("password"), widget=forms.PasswordInput, max_length=128)
    service_point_id = forms.TypedChoiceField(label=_("service point"), coerce=int)
    role = forms.ChoiceField(label=_("role"))
    discount_limit_percent = forms.DecimalField(label=_("discount limit (%)"), min_value=0, max_value=100,
                                                decimal_places=2, initial=0)

    def __init__(self, *args, points=(), roles=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service_point_id"].choices = [(p.pk, f"{'· ' * p.depth}{p.name}") for p in points]
        self.fields["role"].choices = [(r.code, str(r)) for r in roles]


class UserEditForm(BootstrapFormMixin, forms.Form):
    display_name = forms.CharField(label=_("display name"), max_length=100, required=False)
    email = forms.EmailField(label=_("e-mail"), required=False)
    phone = forms.CharField(label=_("phone"), max_length=20, required=False)
    discount_limit_percent = forms.DecimalField(label=_("discount limit (%)"), min_value=0, max_value=100,
                                                decimal_places=2)
    is_active = forms.BooleanField(label=_("active"), required=False)
    password = forms.CharField(label=_("new password"), widget=forms.PasswordInput, max_length=128, required=False,
                               help_text=_("Leave empty to keep the current password."))


class MembershipForm(BootstrapFormMixin, forms.Form):
    service_point_id = forms.TypedChoiceField(label=_("service point"), coerce=int)
    role = forms.ChoiceField(label=_("role"))

    def __init__(self, *args, points=(), roles=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service_point_id"].choices = [(p.pk, f"{'· ' * p.depth}{p.name}") for p in points]
        self.fields["role"].choices = [(r.code, str(r)) for r in roles]
