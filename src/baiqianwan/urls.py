from django.contrib import admin
from django.urls import include, path

from baiqianwan.api.urls import api
from baiqianwan.web import views as web_views

admin.site.site_header = "百千万科技支撑平台 · 系统管理"
admin.site.site_title = "系统管理"

urlpatterns = [
    path("", web_views.home, name="home"),
    path("accounts/", include("baiqianwan.accounts.urls")),
    path("regions/", include("baiqianwan.regions.urls")),
    path("orgs/", include("baiqianwan.orgs.urls")),
    # Before the demands app's own routes, whose "<id>/<action>/" would take it.
    path("demands/<int:demand_id>/teams/", web_views.demand_teams, name="demand_teams"),
    path("demands/", include("baiqianwan.demands.urls")),
    path("supply/", include("baiqianwan.supply.urls")),
    path("matching/", include("baiqianwan.matching.urls")),
    path("plan/", include("baiqianwan.plan.urls")),
    path("commissioners/", include("baiqianwan.commissioners.urls")),
    path("indicators/", include("baiqianwan.indicators.urls")),
    path("calls/", include("baiqianwan.calls.urls")),
    path("projects/", include("baiqianwan.projects.urls")),
    path("towns/", include("baiqianwan.towns.urls")),
    path("market/", include("baiqianwan.market.urls")),
    path("finance/", include("baiqianwan.finance.urls")),
    path("public/", include("baiqianwan.portal.urls")),
    path("finance/funds/", include("baiqianwan.finance.funds.urls")),
    path("finance/stations/", include("baiqianwan.finance.stations.urls")),
    path("talent/", include("baiqianwan.talent.urls")),
    path("outreach/publicity/", include("baiqianwan.outreach.publicity.urls")),
    path("outreach/", include("baiqianwan.outreach.urls")),
    path("reviews/", include("baiqianwan.reviews.urls")),
    path("jobs/", web_views.jobs, name="jobs"),
    path("jobs/<int:job_id>/", web_views.job_detail, name="job_detail"),
    path("jobs/<int:job_id>/cancel/", web_views.job_cancel, name="job_cancel"),
    path("audit/", web_views.audit, name="audit"),
    path("system/settings/", web_views.system_settings, name="system_settings"),
    path("notifications/", web_views.notifications, name="notifications"),
    path("help/", web_views.help_page, name="help"),
    path("help/<str:name>/", web_views.help_page, name="help_page"),
    path("imports/<str:kind>/", web_views.import_page, name="import"),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("django-admin/", admin.site.urls),
]

# Under /api/v1/ every error is JSON in the API's one format; elsewhere the platform's pages.
handler400 = "baiqianwan.api.errors.handler400"
handler403 = "baiqianwan.api.errors.handler403"
handler404 = "baiqianwan.api.errors.handler404"
handler500 = "baiqianwan.api.errors.handler500"
