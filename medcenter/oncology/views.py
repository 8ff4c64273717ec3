"""Staff pages of the oncology record: the summary, entry forms, the molecular report."""

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from medcenter.core.clientaddr import client_ip
from medcenter.core.http import AuthedRequest, apply_errors, offers_break_glass
from medcenter.core.routes import patient_data_route
from medcenter.oncology import selectors, services, staging
from medcenter.oncology.forms import (
    DiagnosisForm,
    GenotypingUploadForm,
    LabResultForm,
    PerformanceForm,
    PregnancyForm,
    SchemeForm,
    SiteAssessmentForm,
    StageForm,
    TreatmentCourseForm,
    TreatmentHistoryForm,
)
from medcenter.oncology.pdf import molecular_report_pdf
from medcenter.patients.selectors import get_patient_for

PATIENT = "patients.patient"
VIEW = "oncology.view_oncology_record"


def _access(request: AuthedRequest, public_id: UUID, action: str) -> Any:
    return get_patient_for(request.user, public_id=public_id, staff_only=True, action=action)


@patient_data_route(model=PATIENT, permission=VIEW)
@offers_break_glass
def summary(request: AuthedRequest, public_id: UUID) -> HttpResponse:
    """Diagnoses with their stage history, performance status, tumor markers, genotype."""
    access = _access(request, public_id, "oncology.viewed")
    return render(
        request,
        "oncology/summary.html",
        {
            "patient": access.patient,
            "summary": selectors.oncology_summary(access),
            "schemes": SchemeForm(),
        },
    )


@patient_data_route(model=PATIENT, permission="oncology.add_cancerdiagnosis")
@offers_break_glass
def diagnosis_new(request: AuthedRequest, public_id: UUID) -> HttpResponse:
    return _record_form(
        request,
        public_id,
        form_class=DiagnosisForm,
        record=services.record_diagnosis,
        opened="oncology.diagnosis_form_opened",
        done=_("The diagnosis was recorded."),
        title=_("Record a diagnosis"),
    )


@patient_data_route(
    model=PATIENT, kwargs=("public_id", "diagnosis_id"), permission="oncology.add_stageassessment"
)
@offers_break_glass
def stage_release(request: AuthedRequest, public_id: UUID, diagnosis_id: UUID) -> HttpResponse:
    """Show the diagnosis's newest stage to the patient in the Patient Gateway (POST only)."""
    access = _access(request, public_id, "oncology.stage_release_opened")
    diagnosis = selectors.diagnosis_of(access, public_id=diagnosis_id)
    stage = diagnosis.stages.order_by("-assessed_on", "-id").first()
    if request.method == "POST" and stage is not None:
        services.release_stage_to_patient(stage=stage, actor=request.user)
        messages.success(request, _("The patient can now see this stage."))
    return redirect("oncology:summary", public_id=access.patient.public_id)


@patient_data_route(
    model=PATIENT, kwargs=("public_id", "diagnosis_id"), permission="oncology.add_stageassessment"
)
@offers_break_glass
def stage_new(request: AuthedRequest, public_id: UUID, diagnosis_id: UUID) -> HttpResponse:
    """Stage a diagnosis: choose the system, then give categories or the raw facts."""
    access = _access(request, public_id, "oncology.stage_form_opened")
    diagnosis = selectors.diagnosis_of(access, public_id=diagnosis_id)
    chosen = SchemeForm(request.GET or request.POST or None)
    if not chosen.is_valid():
        return render(
            request,
            "oncology/stage_scheme.html",
            {"form": chosen, "patient": access.patient, "diagnosis": diagnosis},
        )
    scheme = next(s for s in staging.list_schemes() if s.id == chosen.cleaned_data["scheme"])
    form = StageForm(request.POST or None, scheme=scheme)
    if request.method == "POST" and form.is_valid():
        try:
            assessment = services.stage_tumor(
                diagnosis=diagnosis,
                actor=request.user,
                scheme=scheme.id,
                classification=form.cleaned_data["classification"],
                categories=form.categories(),
                facts=form.facts(),
                assessed_on=form.cleaned_data["assessed_on"],
            )
        except staging.StagingError as error:
            for name, problems in error.errors.items():
                field = name if name in form.fields else f"fact_{name}"
                form.add_error(field if field in form.fields else None, problems)
        else:
            if assessment.stage_group:
                text = _("Staged %(group)s (%(rules)s).") % {
                    "group": assessment.stage_group,
                    "rules": assessment.rule_version,
                }
            else:
                text = _("Staged without a stage group: %(note)s") % {
                    "note": assessment.stage_group_note
                }
            messages.success(request, text)
            return redirect("oncology:summary", public_id=public_id)
    return render(
        request,
        "oncology/stage_form.html",
        {"form": form, "scheme": scheme, "patient": access.patient, "diagnosis": diagnosis},
    )


@patient_data_route(
    model=PATIENT,
    kwargs=("public_id", "diagnosis_id"),
    permission="oncology.add_metastasisassessment",
)
@offers_break_glass
def site_assessment_new(
    request: AuthedRequest, public_id: UUID, diagnosis_id: UUID
) -> HttpResponse:
    """How a metastatic site stands (treated, stable, symptoms): what trials ask of brain
    metastases."""
    access = _access(request, public_id, "oncology.site_form_opened")
    diagnosis = selectors.diagnosis_of(access, public_id=diagnosis_id)
    form = SiteAssessmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.assess_metastatic_site(
                diagnosis=diagnosis, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The metastatic site's status was recorded."))
            return redirect("oncology:summary", public_id=public_id)
    title = _("Status of %(site)s") % {"site": diagnosis.description}
    return render(
        request, "oncology/form.html", {"form": form, "patient": access.patient, "title": title}
    )


@patient_data_route(model=PATIENT, permission="oncology.add_performancestatus")
@offers_break_glass
def performance_new(request: AuthedRequest, public_id: UUID) -> HttpResponse:
    return _record_form(
        request,
        public_id,
        form_class=PerformanceForm,
        record=services.record_performance_status,
        opened="oncology.performance_form_opened",
        done=_("The performance status was recorded."),
        title=_("Record performance status"),
    )


def _record_form(
    request: AuthedRequest,
    public_id: UUID,
    *,
    form_class: type[Any],
    record: Any,
    opened: str,
    done: str,
    title: str,
) -> HttpResponse:
    """An entry form of the record: the service checks the record's rules, its messages go
    next to the fields, and what was typed stays in the form."""
    access = _access(request, public_id, opened)
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            record(patient=access.patient, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, done)
            return redirect("oncology:summary", public_id=public_id)
    return render(
        request, "oncology/form.html", {"form": form, "patient": access.patient, "title": title}
    )


@patient_data_route(model=PATIENT, permission="oncology.add_treatmentcourse")
@offers_break_glass
def treatment_new(request: AuthedRequest, public_id: UUID) -> HttpResponse:
    return _record_form(
        request,
        public_id,
        form_class=TreatmentCourseForm,
        record=services.record_treatment_course,
        opened="oncology.treatment_form_opened",
        done=_("The treatment was recorded."),
        title=_("Record a treatment"),
    )


@patient_data_route(model=PATIENT, permission="oncology.add_treatmenthistoryreview")
@offers_break_glass
def treatment_history_confirm(request: AuthedRequest, public_id: UUID) -> HttpResponse:
    return _record_form(
        request,
        public_id,
        form_class=TreatmentHistoryForm,
        record=services.confirm_treatment_history,
        opened="oncology.treatment_history_form_opened",
        done=_("The treatment history was confirmed complete."),
        title=_("Confirm the treatment history"),
    )


@patient_data_route(model=PATIENT, permission="oncology.add_labresult")
@offers_break_glass
def lab_new(request: AuthedRequest, public_id: UUID) -> HttpResponse:
    return _record_form(
        request,
        public_id,
        form_class=LabResultForm,
        record=services.record_lab_result,
        opened="oncology.lab_form_opened",
        done=_("The laboratory result was recorded."),
        title=_("Record a laboratory result"),
    )


@patient_data_route(model=PATIENT, permission="oncology.add_pregnancystatus")
@offers_break_glass
def pregnancy_new(request: AuthedRequest, public_id: UUID) -> HttpResponse:
    return _record_form(
        request,
        public_id,
        form_class=PregnancyForm,
        record=services.record_pregnancy_status,
        opened="oncology.pregnancy_form_opened",
        done=_("The pregnancy status was recorded."),
        title=_("Record pregnancy status"),
    )


@patient_data_route(model=PATIENT, permission="oncology.add_genotypingreport")
@offers_break_glass
def genotyping_upload(request: AuthedRequest, public_id: UUID) -> HttpResponse:
    """Import a tumor genotyping result file (VCF, MAF or a table)."""
    access = _access(request, public_id, "oncology.genotyping_form_opened")
    form = GenotypingUploadForm(
        request.POST or None,
        request.FILES or None,
        session=request.session,
        client_ip=client_ip(request),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            report = services.import_genotyping_file(
                patient=access.patient,
                actor=request.user,
                content=form.uploads("results")[0].content,
                test_name=data["test_name"],
                tumor_type=data["tumor_type"],
                reported_on=data["reported_on"],
                specimen=data["specimen"],
                tumor_content_percent=data["tumor_content_percent"],
                genes_covered=data["genes_covered"].replace(",", " ").split(),
                kept=form.kept_uploads(),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                _("The report was imported with %(count)d alterations.")
                % {"count": report.variants.count()},
            )
            return redirect("oncology:report", public_id=public_id, report_id=report.public_id)
    return render(
        request,
        "oncology/form.html",
        {
            "form": form,
            "patient": access.patient,
            "title": _("Import a genotyping report"),
            "multipart": True,
        },
    )


@patient_data_route(model=PATIENT, kwargs=("public_id", "report_id"), permission=VIEW)
@offers_break_glass
def report(request: AuthedRequest, public_id: UUID, report_id: UUID) -> HttpResponse:
    """The molecular report: variants, evidence levels, therapies for and against."""
    access = _access(request, public_id, "oncology.report_viewed")
    found = selectors.report_of(access, public_id=report_id)
    return render(
        request,
        "oncology/report.html",
        {"patient": access.patient, **selectors.molecular_report(found)},
    )


@patient_data_route(model=PATIENT, kwargs=("public_id", "report_id"), permission=VIEW)
@offers_break_glass
def report_pdf(request: AuthedRequest, public_id: UUID, report_id: UUID) -> HttpResponse:
    access = _access(request, public_id, "oncology.report_downloaded")
    found = selectors.report_of(access, public_id=report_id)
    content = molecular_report_pdf(patient=access.patient, **selectors.molecular_report(found))
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="molecular-report-{found.public_id}.pdf"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
