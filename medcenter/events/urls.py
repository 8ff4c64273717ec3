from django.urls import path

from medcenter.events import views

app_name = "events"

urlpatterns = [
    path("events/", views.event_list, name="list"),
    path("events/feed.ics", views.feed, name="feed"),
    path("events/registrations/<str:token>/", views.registration, name="registration"),
    path(
        "events/registrations/<str:token>/event.ics",
        views.registration_ics,
        name="registration_ics",
    ),
    path("events/registrations/<str:token>/cancel/", views.cancel, name="cancel"),
    path("events/<slug:slug>/", views.detail, name="detail"),
    path("events/<slug:slug>/event.ics", views.series_ics, name="ics"),
    path("events/<slug:slug>/register/", views.register, name="register"),
]
