"""The routes of fhir/results.py's resources, registered as patient-data routes (kept apart so
that views.py can read results' CAPABILITIES without an import loop)."""

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

from medcenter.fhir.results import (
    read_document,
    read_observation,
    read_report,
    search_documents,
    search_observations,
    search_reports,
)
from medcenter.fhir.views import _response, fhir_patient_data_route


def _route(model: str, answer: Callable[..., dict[str, Any]], *, read: bool) -> Any:
    if read:

        @fhir_patient_data_route(model=model, kwargs=("resource_id",))
        def read_view(request: HttpRequest, resource_id: str) -> HttpResponse:
            return _response(answer(request, resource_id))

        read_view.__name__ = read_view.__qualname__ = f"{answer.__name__}_view"
        return read_view

    @fhir_patient_data_route(model=model)
    def search_view(request: HttpRequest) -> HttpResponse:
        return _response(answer(request))

    search_view.__name__ = search_view.__qualname__ = f"{answer.__name__}_view"
    return search_view


diagnostic_report_search = _route("results.resultreport", search_reports, read=False)
diagnostic_report_read = _route("results.resultreport", read_report, read=True)
observation_search = _route("results.resultvalue", search_observations, read=False)
observation_read = _route("results.resultvalue", read_observation, read=True)
document_reference_search = _route("results.document", search_documents, read=False)
document_reference_read = _route("results.document", read_document, read=True)
