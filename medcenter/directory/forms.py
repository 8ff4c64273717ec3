from django import forms
from django.utils.translation import gettext_lazy as _

from medcenter.directory.search import DoctorQuery


class DoctorSearchForm(forms.Form):
    """Find a Doctor's query string: everything optional, unknown values ignored, never an error."""

    q = forms.CharField(
        label=_("Name, condition, specialty or program"), required=False, max_length=200
    )
    near = forms.CharField(label=_("ZIP code"), required=False, max_length=10)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[("relevance", _("Best match")), ("name", _("Name")), ("distance", _("Distance"))],
    )
    specialty = forms.SlugField(required=False)
    program = forms.SlugField(required=False)
    condition = forms.SlugField(required=False)
    location = forms.SlugField(required=False)
    language = forms.CharField(required=False, max_length=5)
    gender = forms.CharField(required=False, max_length=12)
    accepting = forms.BooleanField(required=False)
    telehealth = forms.BooleanField(required=False)
    page = forms.IntegerField(required=False, min_value=1, max_value=10_000)

    def to_query(self) -> DoctorQuery:
        # Invalid values (a page "abc", an unknown sort) are simply dropped: a search never errors.
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return DoctorQuery(
            q=data.get("q") or "",
            near=data.get("near") or "",
            sort=data.get("sort") or "relevance",
            specialty=data.get("specialty") or "",
            program=data.get("program") or "",
            condition=data.get("condition") or "",
            location=data.get("location") or "",
            language=data.get("language") or "",
            gender=data.get("gender") or "",
            accepting=bool(data.get("accepting")),
            telehealth=bool(data.get("telehealth")),
            page=data.get("page") or 1,
        )


class NearForm(forms.Form):
    near = forms.CharField(label=_("ZIP code"), required=False, max_length=10)
