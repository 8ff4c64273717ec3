"""Filing results and documents by hand (staff with the model permissions): reports with their
values inline, and the center's named state-law delays. Releases are worked out again on save."""

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from medcenter.core import uploads
from medcenter.results import services
from medcenter.results.models import (
    ClinicianHold,
    Document,
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


class DocumentFilingForm(forms.ModelForm):  # type: ignore[type-arg]
    """A new document: the file is checked by its content and stored encrypted (services)."""

    file = forms.FileField()

    class Meta:
        model = Document
        fields = (
            "patient",
            "kind",
            "title",
            "document_date",
            "author",
            "sensitive_type",
            "adolescent_confidential",
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("file")
        if upload is not None:
            self.content = upload.read()
            self.filename = upload.name or "document"
            try:
                uploads.check_upload(name=self.filename, content=self.content)
            except ValidationError as error:
                self.add_error("file", error)
        return data


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("title", "kind", "document_date", "release_at")
    list_filter = ("kind", "sensitive_type")
    raw_id_fields = ("patient",)
    readonly_fields = ("filename", "content_type", "size", "sha256", "release_at")
    exclude = ("vault_key", "reviewed_by", "reviewed_at")

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        if obj is None:
            kwargs["form"] = DocumentFilingForm
            kwargs["fields"] = [*DocumentFilingForm.Meta.fields, "file"]
        return super().get_form(request, obj, change, **kwargs)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.readonly_fields if obj is not None else ()

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            services.refresh_release_filed(item=obj, actor=request.user)
            return
        data = form.cleaned_data
        filed = services.file_document(
            patient=data["patient"],
            actor=request.user,
            kind=data["kind"],
            title=data["title"],
            document_date=data["document_date"],
            author=data.get("author", ""),
            content=form.content,
            filename=form.filename,
            sensitive_type=data.get("sensitive_type", ""),
            adolescent_confidential=data.get("adolescent_confidential", False),
        )
        obj.pk, obj.public_id = filed.pk, filed.public_id
