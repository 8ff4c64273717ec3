from django.contrib import admin

from medcenter.patients.models import BreakGlassGrant, CareRelationship, Patient, ProxyGrant


@admin.register(Patient)
class PatientAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Admin lists identifiers only; reading a record happens in the audited staff pages."""

    list_display = ("mrn", "family_name", "given_name", "date_of_birth")
    search_fields = ("mrn", "family_name")
    readonly_fields = ("public_id", "mrn", "user")
    fields = ("public_id", "mrn", "given_name", "family_name", "user")

    def has_add_permission(self, request: object) -> bool:
        return False  # registration goes through the audited service (staff pages)

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(CareRelationship)
class CareRelationshipAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("staff", "patient", "kind", "starts_at", "ends_at")
    list_filter = ("kind",)
    raw_id_fields = ("staff", "patient")


@admin.register(ProxyGrant)
class ProxyGrantAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("proxy", "patient", "relationship", "expires_at", "revoked_at")
    readonly_fields = [f.name for f in ProxyGrant._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(BreakGlassGrant)
class BreakGlassGrantAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("user", "patient", "created_at", "expires_at", "review")
    list_filter = ("review",)
    readonly_fields = [f.name for f in BreakGlassGrant._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False
