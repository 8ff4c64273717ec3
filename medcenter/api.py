"""The one NinjaAPI: a router per domain under /api/v1/<domain>/.

Errors are answered in one place (`core.problems`): every router's 4xx is a problem body.
"""

from medcenter.core import problems
from medcenter.directory.api import router as directory_router
from medcenter.oncology.api import router as oncology_router
from medcenter.scheduling.api import router as scheduling_router
from medcenter.trials.api import router as trials_router
from medcenter.tumorboards.api import router as tumorboards_router

api = problems.ProblemAPI(title="medcenter API", version="1", urls_namespace="api")
problems.install(api)
api.add_router("/directory/", directory_router)
api.add_router("/oncology/", oncology_router)
api.add_router("/scheduling/", scheduling_router)
api.add_router("/trials/", trials_router)
api.add_router("/tumorboards/", tumorboards_router)
