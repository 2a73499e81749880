from django.urls import URLPattern, path

from . import acceptance_views, collection_views, definition_views, result_views

app_name = "indicators"

# Collection (entry, Excel, review) and results (scores, maps, reports) add their pages here.
urlpatterns: list[URLPattern] = []

# Collection: 指标填报.
urlpatterns += [
    path("collect/", collection_views.collect, name="collect"),
    path("collect/review/", collection_views.review, name="review"),
    path("collect/<str:dataset_code>/<str:period>/", collection_views.collect_units, name="collect_units"),
    path(
        "collect/<str:dataset_code>/<str:period>/template/",
        collection_views.template_download,
        name="template",
    ),
    path("collect/<str:dataset_code>/<str:period>/upload/", collection_views.upload, name="upload"),
    path(
        "collect/<str:dataset_code>/<str:period>/submit-all/", collection_views.submit_all, name="submit_all"
    ),
    path(
        "collect/<str:dataset_code>/<str:period>/completeness/",
        collection_views.completeness,
        name="completeness",
    ),
    path("collect/<str:dataset_code>/<str:period>/<str:unit_code>/", collection_views.entry, name="entry"),
    path(
        "collect/<str:dataset_code>/<str:period>/<str:unit_code>/exception/",
        collection_views.lock_exception,
        name="lock_exception",
    ),
    path("submissions/<int:submission_id>/", collection_views.submission_page, name="submission"),
    path(
        "submissions/<int:submission_id>/<str:action>/",
        collection_views.submission_action,
        name="submission_action",
    ),
]

# Results: 考核结果.
urlpatterns += [
    path("results/", result_views.rankings, name="results"),
    path("results/map/", result_views.results_map, name="results_map"),
    path("results/trends/", result_views.trends, name="results_trends"),
    path("results/units/<str:code>/", result_views.unit_scorecard, name="results_unit"),
    path("results/published/", result_views.published_list, name="results_published"),
    path("results/published/<int:pk>/check/", result_views.published_check, name="results_check"),
    path("results/publish/", result_views.publish, name="results_publish"),
    path("results/ranking.xlsx", result_views.ranking_export, name="results_export"),
    path("results/entries.xlsx", result_views.entries_export, name="results_entries"),
    path("results/report.pdf", result_views.report_pdf, name="results_report"),
]

# Definitions and report settings (province).
urlpatterns += [
    path("definitions/", definition_views.definitions, name="definitions"),
    path("definitions/<int:pk>/download/", definition_views.definition_download, name="definition_download"),
    path("datasets/<str:code>/settings/", definition_views.dataset_settings, name="dataset_settings"),
]

# 创新型专业镇验收评价.
urlpatterns += [
    path("acceptance/", acceptance_views.evaluation_page, name="acceptance"),
    path("acceptance/towns/<str:code>/", acceptance_views.town_page, name="acceptance_town"),
    path("acceptance/export.xlsx", acceptance_views.export, name="acceptance_export"),
    path("acceptance/weights/", acceptance_views.weights_page, name="acceptance_weights"),
]
