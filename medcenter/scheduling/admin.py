from typing import Any

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from medcenter.scheduling.models import (
    AvailabilityException,
    AvailabilityRule,
    Resource,
    VisitType,
)
from medcenter.scheduling.services import availability_changed


class ChangesAvailability(admin.ModelAdmin[Any]):
    """Rules, exceptions and visit types decide every clinician's "next available": any change
    here makes it recompute (services.availability_changed)."""

    def save_model(self, request: HttpRequest, obj: Model, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        availability_changed()

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)  # a rule's visit types
        availability_changed()

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        super().delete_model(request, obj)
        availability_changed()

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        super().delete_queryset(request, queryset)
        availability_changed()


@admin.register(VisitType)
class VisitTypeAdmin(ChangesAvailability):
    list_display = (
        "name",
        "code",
        "duration_minutes",
        "buffer_minutes",
        "booking_mode",
        "is_active",
    )
    list_filter = ("booking_mode", "is_active")


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin[Resource]):
    list_display = ("name", "kind", "location", "is_active")


@admin.register(AvailabilityRule)
class AvailabilityRuleAdmin(ChangesAvailability):
    list_display = ("__str__", "clinician", "resource", "location", "valid_from", "valid_until")
    list_filter = ("weekday", "location")
    raw_id_fields = ("clinician", "resource")
    filter_horizontal = ("visit_types",)


@admin.register(AvailabilityException)
class AvailabilityExceptionAdmin(ChangesAvailability):
    list_display = ("kind", "starts_at", "ends_at", "clinician", "resource", "location", "reason")
    list_filter = ("kind",)
    raw_id_fields = ("clinician", "resource")
