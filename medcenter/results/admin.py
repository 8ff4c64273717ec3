"""Filing results and documents by hand (staff with the model permissions): reports with their
values inline, and the center's named state-law delays. Releases are worked out again on save."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from medcenter.results import services
from medcenter.results.models import (
    ClinicianHold,
    ReleaseLaw,
    ReleasePreference,
    ResultReport,
    ResultValue,
)


class ResultValueInline(admin.TabularInline):  # type: ignore[type-arg]
    model = ResultValue
    extra = 1
    exclude = ("public_id",)


@admin.register(ResultReport)
class ResultReportAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("display", "category", "status", "issued_at", "release_at")
    list_filter = ("category", "status", "sensitive_type")
    raw_id_fields = ("patient", "ordering_clinician", "genotyping_report", "tumor_marker")
    readonly_fields = ("release_at", "reviewed_at", "reviewed_by")
    inlines = [ResultValueInline]

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        services.refresh_release_filed(item=form.instance, actor=request.user)


@admin.register(ReleaseLaw)
class ReleaseLawAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "sensitive_type", "delay_days", "citation", "active")


@admin.register(ReleasePreference)
class ReleasePreferenceAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("patient", "sensitive_type", "max_days")
    raw_id_fields = ("patient",)


@admin.register(ClinicianHold)
class ClinicianHoldAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("report", "document", "ends_at", "lifted_at")
    raw_id_fields = ("report", "document", "placed_by", "lifted_by")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # a hold is placed on the clinician's page, with its reason audited

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
