"""Content editors keep the directory current here; saves go through the directory's services
so rich text is sanitized and the search index is refreshed."""

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from medcenter.directory import services
from medcenter.directory.models import (
    Clinician,
    Condition,
    ConditionTerm,
    Location,
    Program,
    ProgramTeamMember,
    Specialty,
)


class TeamInline(admin.TabularInline):  # type: ignore[type-arg]
    model = ProgramTeamMember
    raw_id_fields = ("clinician",)
    extra = 1


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "slug", "order", "is_published")
    list_editable = ("order", "is_published")
    search_fields = ("name",)
    inlines = [TeamInline]

    def save_model(self, request: Any, obj: Program, form: Any, change: bool) -> None:
        services.save_program(program=obj)


class ClinicianAdminForm(forms.ModelForm):  # type: ignore[type-arg]
    """The clinician with their portrait: the file and the words that say what it shows are
    checked with the rest of the form, so a refused image loses nothing else typed."""

    portrait_upload = forms.FileField(label=_("Portrait (JPEG or PNG)"), required=False)
    portrait_alt_text = forms.CharField(
        label=_("What the portrait shows"),
        max_length=200,
        required=False,
        help_text=_("Read aloud to people who cannot see it, e.g. 'Dr Rowan Vale, smiling'."),
    )
    portrait_remove = forms.BooleanField(label=_("Remove the portrait"), required=False)

    class Meta:
        model = Clinician
        fields = "__all__"  # noqa: DJ007 - the admin chooses the fields it shows

    def clean(self) -> Any:
        data = super().clean() or {}
        upload = data.get("portrait_upload")
        self.portrait: bytes | None = None
        if upload is not None:
            try:
                self.portrait = services.check_portrait(
                    name=upload.name,
                    content=upload.read(),
                    alt_text=data.get("portrait_alt_text", ""),
                )
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    self.add_error(
                        "portrait_alt_text" if field == "alt_text" else "portrait_upload", messages
                    )
        return data


@admin.register(Clinician)
class ClinicianAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    form = ClinicianAdminForm
    list_display = (
        "family_name",
        "given_name",
        "credentials",
        "accepting_new_patients",
        "is_active",
    )
    list_filter = ("accepting_new_patients", "telehealth", "programs", "is_active")
    search_fields = ("family_name", "given_name", "slug")
    filter_horizontal = ("specialties", "programs", "conditions", "locations")
    prepopulated_fields = {"slug": ("given_name", "family_name")}

    def save_model(self, request: Any, obj: Clinician, form: Any, change: bool) -> None:
        services.save_clinician(clinician=obj)
        data = form.cleaned_data
        if data.get("portrait_remove"):
            services.remove_clinician_photo(clinician=obj)
        elif form.portrait is not None:
            services.set_clinician_photo(
                clinician=obj, image=form.portrait, alt_text=data["portrait_alt_text"]
            )

    def save_related(self, request: Any, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        services.reindex_all()


class TermInline(admin.TabularInline):  # type: ignore[type-arg]
    model = ConditionTerm
    extra = 3


@admin.register(Condition)
class ConditionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "oncotree_code", "primary_program")
    search_fields = ("name", "oncotree_code", "terms__term")
    filter_horizontal = ("programs",)
    inlines = [TermInline]

    def save_related(self, request: Any, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        services.reindex_all()


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "kind", "city", "region")
    list_filter = ("kind",)


@admin.register(Specialty)
class SpecialtyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "slug")
