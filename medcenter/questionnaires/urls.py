from django.urls import path

from medcenter.questionnaires import views

app_name = "questionnaires"

urlpatterns = [
    path("portal/<uuid:public_id>/questionnaires/", views.portal_due, name="portal_due"),
    path(
        "portal/<uuid:public_id>/questionnaires/<uuid:questionnaire_id>/",
        views.portal_fill,
        name="portal_fill",
    ),
    path(
        "portal/<uuid:public_id>/questionnaires/responses/<uuid:response_id>/",
        views.portal_response,
        name="portal_response",
    ),
    path("staff/symptoms/", views.staff_queue, name="staff_queue"),
    path("staff/symptoms/<uuid:alert_id>/", views.staff_alert, name="staff_alert"),
]
