from django.urls import path

from medcenter.messaging import views

app_name = "messaging"

PORTAL = "portal/<uuid:public_id>/messages/"

urlpatterns = [
    path(PORTAL, views.portal_threads, name="portal_threads"),
    path(f"{PORTAL}new/", views.portal_new_thread, name="portal_new_thread"),
    path(f"{PORTAL}ask-trial/", views.portal_ask_trial, name="portal_ask_trial"),
    path(f"{PORTAL}<uuid:thread_id>/", views.portal_thread, name="portal_thread"),
    path(f"{PORTAL}<uuid:thread_id>/read/", views.portal_thread_read, name="portal_thread_read"),
    path(
        f"{PORTAL}<uuid:thread_id>/files/<uuid:attachment_id>/",
        views.portal_attachment,
        name="portal_attachment",
    ),
    path("staff/messages/", views.staff_inbox, name="staff_inbox"),
    path("staff/messages/<uuid:thread_id>/", views.staff_thread, name="staff_thread"),
    path(
        "staff/messages/<uuid:thread_id>/read/", views.staff_thread_read, name="staff_thread_read"
    ),
    path(
        "staff/messages/<uuid:thread_id>/files/<uuid:attachment_id>/",
        views.staff_attachment,
        name="staff_attachment",
    ),
]
