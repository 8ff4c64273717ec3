from django.urls import path

from medcenter.directory import views

app_name = "directory"

urlpatterns = [
    path("doctors/", views.doctors, name="doctors"),
    path("doctors/<slug:slug>/", views.doctor, name="doctor"),
    path("doctors/<slug:slug>/portrait/<str:digest>.jpg", views.photo, name="photo"),
    path("programs/", views.programs, name="programs"),
    path("programs/<slug:slug>/", views.program, name="program"),
    path("locations/", views.locations, name="locations"),
    path("locations/<slug:slug>/", views.location, name="location"),
]
