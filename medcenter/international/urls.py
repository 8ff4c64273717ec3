from django.urls import path

from medcenter.international import views

app_name = "international"

urlpatterns = [
    path("international/", views.home, name="home"),
    path("international/inquiry/", views.inquiry, name="inquiry"),
    path("international/inquiry/<str:reference>/", views.inquiry_sent, name="inquiry_sent"),
    path("international/follow/<str:token>/", views.follow, name="follow"),
    path("international/my-cases/", views.my_cases, name="my_cases"),
    path("international/my-cases/<uuid:case_id>/", views.my_case, name="my_case"),
    path(
        "international/my-cases/<uuid:case_id>/estimates/<uuid:estimate_id>/accept/",
        views.my_case_accept,
        name="my_case_accept",
    ),
    path(
        "international/my-cases/<uuid:case_id>/letters/<uuid:letter_id>/",
        views.my_case_letter,
        name="my_case_letter",
    ),
    path(
        "international/my-cases/<uuid:case_id>/documents/<uuid:case_document_id>/",
        views.my_case_document,
        name="my_case_document",
    ),
    path("staff/international/", views.queue, name="queue"),
    path("staff/international/prices/", views.prices, name="prices"),
    path("staff/international/<uuid:case_id>/", views.case, name="case"),
    path(
        "staff/international/<uuid:case_id>/do/<slug:action>/",
        views.case_action,
        name="case_action",
    ),
    path(
        "staff/international/<uuid:case_id>/documents/<uuid:case_document_id>/",
        views.case_document,
        name="case_document",
    ),
    path(
        "staff/international/<uuid:case_id>/letters/<uuid:letter_id>/",
        views.case_letter,
        name="case_letter",
    ),
]
