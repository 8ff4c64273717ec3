from django.urls import path

from medcenter.scheduling import views

app_name = "scheduling"

urlpatterns = [
    path("appointments/", views.start, name="start"),
    path("appointments/request/", views.request_appointment, name="request"),
    path("appointments/refer/", views.refer, name="refer"),
    path("appointments/mine/", views.mine, name="mine"),
    path("appointments/book/<slug:slug>/", views.pick_slot, name="pick_slot"),
    path("appointments/book/<slug:slug>/hold/", views.hold, name="hold"),
    path("appointments/held/", views.held, name="held"),
    path("appointments/held/new-patient/", views.new_patient, name="new_patient"),
    path("appointments/held/verify/", views.new_patient_verify, name="new_patient_verify"),
    path("appointments/held/booked/", views.new_patient_booked, name="new_patient_booked"),
    path("appointments/<uuid:appointment_id>/confirm/", views.confirm, name="confirm"),
    path("appointments/<uuid:appointment_id>/", views.detail, name="detail"),
    path("appointments/<uuid:appointment_id>/cancel/", views.cancel, name="cancel"),
    path(
        "appointments/<uuid:appointment_id>/waitlist/",
        views.waitlist_toggle,
        name="waitlist_toggle",
    ),
    path(
        "appointments/<uuid:appointment_id>/offers/<uuid:offer_id>/",
        views.answer_offer,
        name="answer_offer",
    ),
    path("appointments/<uuid:appointment_id>/calendar.ics", views.ics, name="ics"),
    path("staff/schedule/", views.grid, name="grid"),
    path("staff/schedule/waitlist/", views.waitlist, name="waitlist"),
    path(
        "staff/schedule/appointments/<uuid:appointment_id>/attendance/",
        views.attendance,
        name="attendance",
    ),
    path("staff/patients/<uuid:public_id>/book/", views.staff_book, name="staff_book"),
    path(
        "staff/patients/<uuid:public_id>/multidisciplinary/",
        views.multidisciplinary,
        name="multidisciplinary",
    ),
    path("staff/referrals/", views.triage, name="triage"),
    path("staff/referrals/<uuid:referral_id>/", views.referral_detail, name="referral"),
    path("staff/referrals/<uuid:referral_id>/letter.pdf", views.referral_letter, name="letter"),
    path(
        "staff/referrals/<uuid:referral_id>/documents/<uuid:document_id>/",
        views.referral_document,
        name="document",
    ),
]
