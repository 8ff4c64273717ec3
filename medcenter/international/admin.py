from django.contrib import admin

from medcenter.international.models import Case, ExchangeRate, PriceItem


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("reference", "status", "country", "language", "coordinator", "due_at")
    list_filter = ("status", "service", "payer")
    search_fields = ("reference",)
    readonly_fields = [f.name for f in Case._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(PriceItem)
class PriceItemAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("code", "version", "description", "amount_cents", "is_current")
    readonly_fields = ("code", "version", "description", "amount_cents", "is_current")

    def has_add_permission(self, request: object) -> bool:
        return False  # the price list is edited on its page, where each edit is a version


@admin.register(ExchangeRate)
class ExchangeRateAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("currency", "per_usd", "on_date", "entered_by", "entered_at")
    readonly_fields = ("currency", "per_usd", "on_date", "entered_by", "entered_at")

    def has_add_permission(self, request: object) -> bool:
        return False
