from django.urls import path

from medcenter.trials import views

app_name = "trials"

urlpatterns = [
    path("trials/", views.search, name="search"),
    path("trials/<str:nct_id>/", views.detail, name="detail"),
    path("trials/<str:nct_id>/prescreen/", views.prescreen_view, name="prescreen"),
    path("trials/<str:nct_id>/contact/", views.contact, name="contact"),
    path("staff/trials/", views.coordinator, name="coordinator"),
    path("staff/trials/requests/<uuid:request_id>/", views.contact_request, name="contact_request"),
    path("staff/trials/candidates/<uuid:candidate_id>/", views.candidate, name="candidate"),
    path("staff/trials/<str:nct_id>/", views.trial_desk, name="desk"),
    path("staff/trials/<str:nct_id>/criteria/new/", views.criterion_edit, name="criterion_new"),
    path(
        "staff/trials/<str:nct_id>/criteria/<int:criterion_id>/",
        views.criterion_edit,
        name="criterion_edit",
    ),
    path("staff/patients/<uuid:public_id>/trials/", views.patient_trials, name="patient_trials"),
]
