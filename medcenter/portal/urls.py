from django.urls import path

from medcenter.portal import views

app_name = "portal"

# Other apps route their portal sections under /portal/<uuid:public_id>/<section>/ in their
# own urls.py and register them from their AppConfig.ready() (portal.registry).
urlpatterns = [
    # A bookmarked page of the old /my/ area (now patients:records, /my/, redirects here too).
    path("my/<path:rest>", views.old_record_link, name="old_record_link"),
    path("portal/", views.home, name="home"),
    path("portal/<uuid:public_id>/", views.record_home, name="record_home"),
    path("portal/<uuid:public_id>/details/", views.details, name="details"),
    path("portal/<uuid:public_id>/proxies/", views.proxies, name="proxies"),
    path(
        "portal/<uuid:public_id>/proxies/<uuid:grant_id>/revoke/",
        views.proxy_revoke,
        name="proxy_revoke",
    ),
    path("portal/<uuid:public_id>/access-history/", views.access_history, name="access_history"),
    path("portal/<uuid:public_id>/security/", views.security, name="security"),
    path("portal/<uuid:public_id>/appointments/", views.appointments, name="appointments"),
    path(
        "portal/<uuid:public_id>/appointments/<uuid:appointment_id>/",
        views.appointment,
        name="appointment",
    ),
    path(
        "portal/<uuid:public_id>/appointments/<uuid:appointment_id>/check-in/",
        views.checkin,
        name="checkin",
    ),
    path(
        "portal/<uuid:public_id>/appointments/<uuid:appointment_id>/video/",
        views.video_room,
        name="video_room",
    ),
    path("portal/<uuid:public_id>/summary/", views.summary, name="summary"),
    path("portal/<uuid:public_id>/download/", views.download, name="download"),
    path(
        "portal/<uuid:public_id>/download/mcode.json", views.download_mcode, name="download_mcode"
    ),
    path(
        "portal/<uuid:public_id>/download/summary.pdf",
        views.download_summary,
        name="download_summary",
    ),
]
