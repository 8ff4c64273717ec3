from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from medcenter.events import services
from medcenter.events.models import EventSeries, EventSession, Registration


class SessionInline(admin.TabularInline[EventSession, EventSeries]):
    model = EventSession
    extra = 0
    fields = ["starts_at", "ends_at", "capacity", "status", "sequence"]
    readonly_fields = ["starts_at", "ends_at", "status", "sequence"]
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # sessions come from the series' rule


@admin.register(EventSeries)
class EventSeriesAdmin(admin.ModelAdmin[EventSeries]):
    list_display = [
        "title",
        "kind",
        "audience",
        "language",
        "program",
        "first_date",
        "is_published",
    ]
    list_filter = ["kind", "audience", "language", "program", "is_published"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ("title",)}
    readonly_fields = ["sequence"]
    inlines = [SessionInline]

    def save_model(self, request: HttpRequest, obj: EventSeries, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        services.series_changed(series=obj)


@admin.register(EventSession)
class EventSessionAdmin(admin.ModelAdmin[EventSession]):
    list_display = ["series", "starts_at", "capacity", "status"]
    list_filter = ["status", "series"]
    readonly_fields = ["series", "starts_at", "ends_at", "status", "sequence"]
    fields = ["series", "starts_at", "ends_at", "capacity", "status", "sequence"]
    actions = ["cancel_sessions"]

    def save_model(self, request: HttpRequest, obj: EventSession, form: Any, change: bool) -> None:
        if change and "capacity" in form.changed_data:
            services.change_capacity(session=obj, capacity=obj.capacity)
        else:
            super().save_model(request, obj, form, change)

    @admin.action(description="Cancel the selected sessions (everyone registered is told)")
    def cancel_sessions(self, request: HttpRequest, queryset: QuerySet[EventSession]) -> None:
        told = sum(services.cancel_session(session=s) for s in queryset)
        self.message_user(request, f"Cancelled; {told} people told.", messages.SUCCESS)


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin[Registration]):
    list_display = ["session", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["email", "name"]
    readonly_fields = [f.name for f in Registration._meta.fields]
    actions = ["cancel_registrations"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(
        description="Cancel the selected registrations (a freed seat goes to the waitlist)"
    )
    def cancel_registrations(self, request: HttpRequest, queryset: QuerySet[Registration]) -> None:
        for registration in queryset:
            services.cancel_registration(registration=registration)
        self.message_user(request, "Cancelled.", messages.SUCCESS)
