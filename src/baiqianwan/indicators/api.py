"""The app's API (/api/v1/indicators): each sub-app's router, joined."""

from ninja import Router

from .acceptance.api import router as acceptance_router
from .collection.api import router as collection_router
from .results.api import router as results_router

router = Router()
router.add_router("", collection_router)
router.add_router("", results_router)
router.add_router("", acceptance_router)
