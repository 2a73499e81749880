"""The app's API (/api/v1/indicators): each sub-app's router, mounted side by side by ``api/urls.py``."""

from ninja import Router

from .acceptance.api import router as acceptance_router
from .collection.api import router as collection_router
from .results.api import router as results_router

routers: tuple[Router, ...] = (collection_router, results_router, acceptance_router)
