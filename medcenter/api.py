"""The one NinjaAPI: a router per domain under /api/v1/<domain>/.

Errors are answered in one place (`core.problems`): every router's 4xx is a problem body.
"""

from medcenter.core import problems
from medcenter.directory.api import router as directory_router
from medcenter.events.api import router as events_router
from medcenter.giving.api import router as giving_router
from medcenter.international.api import router as international_router
from medcenter.messaging.api import router as messaging_router
from medcenter.oncology.api import router as oncology_router
from medcenter.portal.api import router as portal_router
from medcenter.quality.api import router as quality_router
from medcenter.questionnaires.api import router as questionnaires_router
from medcenter.research.api import router as research_router
from medcenter.results.api import router as results_router
from medcenter.scheduling.api import router as scheduling_router
from medcenter.trials.api import router as trials_router
from medcenter.tumorboards.api import router as tumorboards_router

api = problems.ProblemAPI(title="medcenter API", version="1", urls_namespace="api")
problems.install(api)
api.add_router("/directory/", directory_router)
api.add_router("/international/", international_router)
api.add_router("/giving/", giving_router)
api.add_router("/oncology/", oncology_router)
api.add_router("/portal/", results_router)
api.add_router("/portal/questionnaires/", questionnaires_router)
api.add_router("/portal/", portal_router)
api.add_router("/events/", events_router)
api.add_router("/research/", research_router)
api.add_router("/scheduling/", scheduling_router)
api.add_router("/trials/", trials_router)
api.add_router("/portal/", messaging_router)
api.add_router("/tumorboards/", tumorboards_router)
api.add_router("/quality/", quality_router)
