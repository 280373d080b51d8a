from django import forms
from django.utils.translation import gettext_lazy as _

from aftersales.core.ui import BootstrapFormMixin

from .choices import ImportKind


class ImportUploadForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("What the file holds"), choices=ImportKind.choices)
    service_point_id = forms.TypedChoiceField(
        label=_("service point"), coerce=int,
        help_text=_("Home service point of rows that do not name one."),
    )
    file = forms.FileField(label=_("file"), help_text=_("Excel (.xlsx) or CSV (UTF-8 or GBK), at most 20 MB."),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}))

    def __init__(self, *args, points=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service_point_id"].choices = [(p.pk, f"{'· ' * p.depth}{p.name}") for p in points]
