from django.apps import AppConfig


class FhirConfig(AppConfig):
    name = "medcenter.fhir"
    label = "fhir"

    def ready(self) -> None:
        from medcenter.fhir import portal

        portal.register()
