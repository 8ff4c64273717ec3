from django.apps import AppConfig


class FhirConfig(AppConfig):
    name = "medcenter.fhir"
    label = "fhir"
