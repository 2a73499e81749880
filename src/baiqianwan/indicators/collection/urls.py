from django.urls import URLPattern, path

from . import views

# Collection: 指标填报.
urlpatterns: list[URLPattern] = [
    path("collect/", views.collect, name="collect"),
    path("collect/review/", views.review, name="review"),
    path("collect/<str:dataset_code>/<str:period>/", views.collect_units, name="collect_units"),
    path("collect/<str:dataset_code>/<str:period>/template/", views.template_download, name="template"),
    path("collect/<str:dataset_code>/<str:period>/upload/", views.upload, name="upload"),
    path("collect/<str:dataset_code>/<str:period>/submit-all/", views.submit_all, name="submit_all"),
    path("collect/<str:dataset_code>/<str:period>/completeness/", views.completeness, name="completeness"),
    path("collect/<str:dataset_code>/<str:period>/<str:unit_code>/", views.entry, name="entry"),
    path(
        "collect/<str:dataset_code>/<str:period>/<str:unit_code>/exception/",
        views.lock_exception,
        name="lock_exception",
    ),
    path("submissions/<int:submission_id>/", views.submission_page, name="submission"),
    path("submissions/<int:submission_id>/<str:action>/", views.submission_action, name="submission_action"),
]
