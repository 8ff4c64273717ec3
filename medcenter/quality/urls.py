from django.urls import path

from medcenter.quality import views

app_name = "quality"

urlpatterns = [
    path("quality/", views.home, name="home"),
    path("quality/<slug:code>/<str:month>.csv", views.measure_csv, name="csv"),
    path("staff/quality/", views.dashboard, name="dashboard"),
    path("staff/quality/definitions/", views.definitions, name="definitions"),
    path("staff/quality/entries/new/", views.new_entry, name="new_entry"),
    path(
        "staff/quality/entries/<str:entry_id>/document/",
        views.entry_document,
        name="entry_document",
    ),
    path("staff/quality/publish/", views.publish, name="publish"),
    path("staff/quality/<slug:code>/<str:month>.csv", views.staff_csv, name="staff_csv"),
]
