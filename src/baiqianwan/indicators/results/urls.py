from django.urls import URLPattern, path

from . import views

# Results: 考核结果.
urlpatterns: list[URLPattern] = [
    path("results/", views.rankings, name="results"),
    path("results/map/", views.results_map, name="results_map"),
    path("results/trends/", views.trends, name="results_trends"),
    path("results/units/<str:code>/", views.unit_scorecard, name="results_unit"),
    path("results/published/", views.published_list, name="results_published"),
    path("results/published/<int:pk>/check/", views.published_check, name="results_check"),
    path("results/publish/", views.publish, name="results_publish"),
    path("results/ranking.xlsx", views.ranking_export, name="results_export"),
    path("results/entries.xlsx", views.entries_export, name="results_entries"),
    path("results/report.pdf", views.report_pdf, name="results_report"),
]
