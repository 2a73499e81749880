"""The app's pages: each sub-app's, joined under one namespace."""

from django.urls import URLPattern

from .acceptance.urls import urlpatterns as acceptance_urls
from .collection.urls import urlpatterns as collection_urls
from .definitions.urls import urlpatterns as definitions_urls
from .results.urls import urlpatterns as results_urls

app_name = "indicators"

urlpatterns: list[URLPattern] = [*collection_urls, *results_urls, *definitions_urls, *acceptance_urls]
