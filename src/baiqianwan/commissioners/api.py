"""The commissioners' part of the REST API: the sub-apps' routers, each mounted at /api/v1/commissioners."""

from .assessment.api import router as assessment_router
from .documents.api import router as documents_router
from .fieldwork.api import router as fieldwork_router
from .rounds.api import router as rounds_router
from .teams.api import router as teams_router

routers = (rounds_router, assessment_router, documents_router, teams_router, fieldwork_router)
