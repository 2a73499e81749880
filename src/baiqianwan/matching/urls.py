from django.urls import path

from . import views

app_name = "matching"

urlpatterns = [
    path("", views.search, name="search"),
    path("rebuild/", views.rebuild, name="rebuild"),
    path(
        "demands/<int:demand_id>/recommendations/",
        views.demand_recommendations,
        name="demand_recommendations",
    ),
    path("demands/<int:demand_id>/similar/", views.demand_similar, name="demand_similar"),
    path("experts/<int:expert_id>/demands/", views.expert_recommendations, name="expert_recommendations"),
]
