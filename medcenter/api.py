"""The one NinjaAPI: a router per domain under /api/v1/<domain>/."""

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import ValidationError

from medcenter.directory.api import router as directory_router
from medcenter.oncology.api import router as oncology_router
from medcenter.scheduling.api import router as scheduling_router
from medcenter.trials.api import router as trials_router

api = NinjaAPI(title="medcenter API", version="1", urls_namespace="api")
api.add_router("/directory/", directory_router)
api.add_router("/oncology/", oncology_router)
api.add_router("/scheduling/", scheduling_router)
api.add_router("/trials/", trials_router)


@api.exception_handler(ValidationError)
def bad_request(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """A parameter the API does not accept (an unknown sort key, say) is a 400 that says which."""
    return api.create_response(request, {"detail": exc.errors}, status=400)
