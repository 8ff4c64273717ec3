"""A URLconf with one patient route that forgot to register: the registry test must see it."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from medcenter.urls import urlpatterns as real


def forgotten(request: HttpRequest, public_id: str) -> HttpResponse:
    return HttpResponse(public_id)


urlpatterns = [*real, path("forgotten/<uuid:public_id>/", forgotten, name="forgotten_patient_page")]
