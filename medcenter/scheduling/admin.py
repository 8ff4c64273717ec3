from django.contrib import admin

from medcenter.scheduling.models import (
    AvailabilityException,
    AvailabilityRule,
    Resource,
    VisitType,
)


@admin.register(VisitType)
class VisitTypeAdmin(admin.ModelAdmin[VisitType]):
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
class AvailabilityRuleAdmin(admin.ModelAdmin[AvailabilityRule]):
    list_display = ("__str__", "clinician", "resource", "location", "valid_from", "valid_until")
    list_filter = ("weekday", "location")
    raw_id_fields = ("clinician", "resource")
    filter_horizontal = ("visit_types",)


@admin.register(AvailabilityException)
class AvailabilityExceptionAdmin(admin.ModelAdmin[AvailabilityException]):
    list_display = ("kind", "starts_at", "ends_at", "clinician", "resource", "location", "reason")
    list_filter = ("kind",)
    raw_id_fields = ("clinician", "resource")
