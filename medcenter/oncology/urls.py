from django.urls import path

from medcenter.oncology import views

app_name = "oncology"

base = "staff/patients/<uuid:public_id>/oncology/"
urlpatterns = [
    path(base, views.summary, name="summary"),
    path(f"{base}diagnoses/new/", views.diagnosis_new, name="diagnosis_new"),
    path(f"{base}diagnoses/<uuid:diagnosis_id>/stage/", views.stage_new, name="stage_new"),
    path(
        f"{base}diagnoses/<uuid:diagnosis_id>/release-stage/",
        views.stage_release,
        name="stage_release",
    ),
    path(
        f"{base}diagnoses/<uuid:diagnosis_id>/site-status/",
        views.site_assessment_new,
        name="site_assessment_new",
    ),
    path(f"{base}performance/new/", views.performance_new, name="performance_new"),
    path(f"{base}treatments/new/", views.treatment_new, name="treatment_new"),
    path(
        f"{base}treatments/confirm/",
        views.treatment_history_confirm,
        name="treatment_history_confirm",
    ),
    path(f"{base}labs/new/", views.lab_new, name="lab_new"),
    path(f"{base}pregnancy/new/", views.pregnancy_new, name="pregnancy_new"),
    path(f"{base}genotyping/import/", views.genotyping_upload, name="genotyping_upload"),
    path(f"{base}genotyping/<uuid:report_id>/", views.report, name="report"),
    path(f"{base}genotyping/<uuid:report_id>/pdf/", views.report_pdf, name="report_pdf"),
]
