"""Content editors keep the directory current here; saves go through the directory's services
so rich text is sanitized and the search index is refreshed."""

from typing import Any

from django.contrib import admin

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


@admin.register(Clinician)
class ClinicianAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
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
