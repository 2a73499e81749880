"""The REST API under /api/v1/: one NinjaAPI, a router per app, one error format."""

from __future__ import annotations

from ninja import NinjaAPI
from ninja.renderers import JSONRenderer

from baiqianwan.accounts.api import router as accounts_router
from baiqianwan.calls.api import router as calls_router
from baiqianwan.commissioners.api import routers as commissioners_routers
from baiqianwan.core.api import router as core_router
from baiqianwan.demands.api import router as demands_router
from baiqianwan.finance.api import router as finance_router
from baiqianwan.finance.funds.api import router as finance_funds_router
from baiqianwan.finance.stations.api import router as finance_stations_router
from baiqianwan.indicators.api import routers as indicators_routers
from baiqianwan.market.api import router as market_router
from baiqianwan.market.diligence.api import router as diligence_router
from baiqianwan.market.events.api import router as events_router
from baiqianwan.orgs.api import router as orgs_router
from baiqianwan.outreach.api import router as outreach_router
from baiqianwan.outreach.publicity.api import router as publicity_router
from baiqianwan.plan.api import router as plan_router
from baiqianwan.portal.api import router as public_router
from baiqianwan.projects.api import router as projects_router
from baiqianwan.regions.api import router as regions_router
from baiqianwan.reviews.api import router as reviews_router
from baiqianwan.supply.api import router as supply_router
from baiqianwan.talent.api import router as talent_router
from baiqianwan.towns.api import router as towns_router

from . import errors
from .auth import AUTH


class ChineseJSONRenderer(JSONRenderer):
    """Chinese stays readable in responses instead of \\u escapes."""

    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    renderer=ChineseJSONRenderer(),
    title="百千万科技支撑平台 API",
    version="1.0.0",
    description="浏览器使用会话登录（需 CSRF 令牌）；其他系统在请求头中携带 `Authorization: Bearer <令牌>`。"
    "所有列表分页（page、page_size），错误统一为 {detail, code, errors}。",
    auth=AUTH,
    urls_namespace="api-v1",
    docs_url="/docs",
)
errors.install(api)
api.add_router("/regions", regions_router)
api.add_router("/accounts", accounts_router)
api.add_router("/orgs", orgs_router)
api.add_router("/supply", supply_router)
api.add_router("/plan", plan_router)
api.add_router("/calls", calls_router)
api.add_router("/projects", projects_router)
api.add_router("/towns", towns_router)
api.add_router("/market", market_router)
api.add_router("/finance", finance_router)
api.add_router("/market/diligence", diligence_router)
api.add_router("/market/events", events_router)
api.add_router("/finance/funds", finance_funds_router)
api.add_router("/finance/stations", finance_stations_router)
api.add_router("/talent", talent_router)
api.add_router("/outreach", outreach_router)
api.add_router("/publicity", publicity_router)
api.add_router("/public", public_router)
for commissioners_router in commissioners_routers:
    api.add_router("/commissioners", commissioners_router)
for indicators_router in indicators_routers:
    api.add_router("/indicators", indicators_router)
api.add_router("/reviews", reviews_router)
api.add_router("/", demands_router)
api.add_router("/", core_router)

urlpatterns = api.urls
