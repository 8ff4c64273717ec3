from django.urls import path

from medcenter.results import views

app_name = "results"

portal = "portal/<uuid:public_id>/"
staff = "staff/patients/<uuid:public_id>/results/"
urlpatterns = [
    path(f"{portal}results/", views.portal_list, name="portal_list"),
    path(f"{portal}results/documents/", views.portal_documents, name="portal_documents"),
    path(
        f"{portal}results/documents/<uuid:document_id>/download/",
        views.portal_download,
        name="portal_download",
    ),
    path(
        f"{portal}results/release-preferences/",
        views.release_preferences,
        name="release_preferences",
    ),
    path(f"{portal}results/<uuid:result_id>/", views.portal_detail, name="portal_detail"),
    path(f"{portal}notifications/", views.notifications, name="notifications"),
    path(staff, views.staff_list, name="staff_list"),
    path(f"{staff}<uuid:result_id>/", views.staff_hold, name="staff_hold"),
]
