from django.urls import path

from medcenter.fhir import results_routes as results
from medcenter.fhir import views

app_name = "fhir"

urlpatterns = [
    path("metadata", views.metadata, name="metadata"),
    path("Patient/<uuid:public_id>/$mcode", views.mcode_export, name="mcode_export"),
    # Patient data: own routes, registered as such, ahead of the generic (public) ones.
    path("Appointment", views.appointment_search, name="appointment_search"),
    path("Appointment/<str:resource_id>", views.appointment_read, name="appointment_read"),
    path("ServiceRequest", views.service_request_search, name="service_request_search"),
    path(
        "ServiceRequest/<str:resource_id>",
        views.service_request_read,
        name="service_request_read",
    ),
    path("Communication", views.communication_search, name="communication_search"),
    path("Communication/<str:resource_id>", views.communication_read, name="communication_read"),
    path("ResearchSubject", views.research_subject_search, name="research_subject_search"),
    path(
        "ResearchSubject/<str:resource_id>",
        views.research_subject_read,
        name="research_subject_read",
    ),
    path("DiagnosticReport", results.diagnostic_report_search, name="diagnostic_report_search"),
    path(
        "DiagnosticReport/<str:resource_id>",
        results.diagnostic_report_read,
        name="diagnostic_report_read",
    ),
    path("Observation", results.observation_search, name="observation_search"),
    path("Observation/<str:resource_id>", results.observation_read, name="observation_read"),
    path(
        "DocumentReference",
        results.document_reference_search,
        name="document_reference_search",
    ),
    path(
        "DocumentReference/<str:resource_id>",
        results.document_reference_read,
        name="document_reference_read",
    ),
    path("Questionnaire", views.questionnaire_search, name="questionnaire_search"),
    path("Questionnaire/<str:resource_id>", views.questionnaire_read, name="questionnaire_read"),
    path(
        "QuestionnaireResponse",
        views.questionnaire_response_search,
        name="questionnaire_response_search",
    ),
    path(
        "QuestionnaireResponse/<str:resource_id>",
        views.questionnaire_response_read,
        name="questionnaire_response_read",
    ),
    path("CarePlan", views.care_plan_search, name="care_plan_search"),
    path("CarePlan/<str:resource_id>", views.care_plan_read, name="care_plan_read"),
    path("Goal", views.goal_search, name="goal_search"),
    path("Goal/<str:resource_id>", views.goal_read, name="goal_read"),
    path("Task", views.task_search, name="task_search"),
    path("Task/<str:resource_id>", views.task_read, name="task_read"),
    path("<str:resource_type>", views.search, name="search"),
    path("<str:resource_type>/<str:resource_id>", views.read, name="read"),
]
