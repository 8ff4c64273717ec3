import json
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from medcenter.core.routes import staff_route
from medcenter.trials import services, tasks
from medcenter.trials.importer import MAX_FILE_BYTES, import_records, records_in_data
from medcenter.trials.models import Candidate, ContactRequest, Criterion, Trial


class ImportForm(forms.Form):
    file = forms.FileField(label="ClinicalTrials.gov API v2 JSON (a record or a search page)")

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError("The file is larger than 50 MB.")
        try:
            return json.loads(upload.read())
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise forms.ValidationError(f"This is not a JSON file ({error}).") from None


class CriterionInline(admin.TabularInline[Criterion, Trial]):
    model = Criterion
    extra = 0
    fields = ("position", "section", "kind", "params", "source", "origin", "is_active")
    readonly_fields = ("origin",)


@admin.register(Trial)
class TrialAdmin(admin.ModelAdmin[Trial]):
    list_display = ("nct_id", "brief_title", "overall_status", "local_status", "program")
    list_filter = ("local_status", "overall_status", "program")
    search_fields = ("nct_id", "brief_title", "acronym")
    raw_id_fields = ("principal_investigator", "coordinator")
    inlines = [CriterionInline]
    change_list_template = "admin/trials/trial/change_list.html"

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        # Criteria and biomarker requirements edited here change what search by gene finds.
        services.refresh_required_genes(trial=form.instance)

    def get_urls(self) -> list[Any]:
        return [
            path(
                "import/",
                self.admin_site.admin_view(staff_route("trials.manage_trial")(self.import_view)),
                name="trials_trial_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """Upload API v2 JSON; each record is imported whole or skipped with the reason."""
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            name = str(getattr(form.files.get("file"), "name", "upload.json"))
            report = import_records(records_in_data(form.cleaned_data["file"], name))
            if report.created or report.updated:
                # About 50 ms a trial: in the background, not in this request.
                transaction.on_commit(tasks.refresh_trial_vectors.enqueue)
            messages.success(request, f"{name}: {report.summary()}")
            for problem in report.problems[:20]:
                messages.warning(request, f"Skipped {problem}")
            return HttpResponseRedirect(reverse("admin:trials_trial_changelist"))
        context = {**self.admin_site.each_context(request), "form": form, "title": "Import trials"}
        return TemplateResponse(request, "admin/trials/trial/import.html", context)


@admin.register(ContactRequest)
class ContactRequestAdmin(admin.ModelAdmin[ContactRequest]):
    list_display = ("trial", "status", "likely", "created_at")
    list_filter = ("status", "likely")
    raw_id_fields = ("trial", "patient", "handled_by")


@admin.register(Candidate)
class CandidateAdmin(admin.ModelAdmin[Candidate]):
    list_display = ("trial", "score", "status", "is_current", "matched_at")
    list_filter = ("status", "is_current")
    raw_id_fields = ("trial", "patient")
