from django.urls import path

from medcenter.patients import views

app_name = "patients"

urlpatterns = [
    path("staff/patients/", views.staff_home, name="staff_home"),
    path("staff/patients/new/", views.staff_new, name="staff_new"),
    path("staff/patients/provisional/", views.reconcile_queue, name="reconcile_queue"),
    path("staff/patients/<uuid:public_id>/", views.staff_detail, name="staff_detail"),
    path("staff/patients/<uuid:public_id>/edit/", views.staff_edit, name="staff_edit"),
    path(
        "staff/patients/<uuid:public_id>/activation-code/",
        views.staff_activation_code,
        name="staff_activation_code",
    ),
    path("staff/patients/<uuid:public_id>/break-glass/", views.break_glass, name="break_glass"),
    path(
        "staff/patients/<uuid:public_id>/access-history/",
        views.staff_access_history,
        name="staff_access_history",
    ),
    path("staff/patients/<uuid:public_id>/proxies/", views.staff_proxies, name="staff_proxies"),
    path(
        "staff/patients/<uuid:public_id>/proxies/<uuid:grant_id>/revoke/",
        views.staff_proxy_revoke,
        name="staff_proxy_revoke",
    ),
    path("staff/privacy/break-glass/", views.break_glass_queue, name="break_glass_queue"),
    path(
        "staff/privacy/break-glass/<uuid:grant_id>/review/",
        views.break_glass_review,
        name="break_glass_review",
    ),
    # The patient's own pages moved into the Patient Gateway (/portal/); old links redirect.
    path("my/", views.records, name="records"),
    path("accounts/activate/", views.activate, name="activate"),
    path("accounts/sign-up/", views.sign_up, name="sign_up"),
    path("accounts/sign-up/code/", views.sign_up_finish, name="sign_up_finish"),
]
