from django.urls import URLPattern, path

from . import views

# Definitions and report settings (province).
urlpatterns: list[URLPattern] = [
    path("definitions/", views.definitions, name="definitions"),
    path("definitions/<int:pk>/download/", views.definition_download, name="definition_download"),
    path("datasets/<str:code>/settings/", views.dataset_settings, name="dataset_settings"),
]
