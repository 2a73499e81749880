from django.urls import path

from . import views

app_name = "supply"

urlpatterns = [
    path("achievements/", views.achievement_list, name="achievement_list"),
    path("achievements/new/", views.achievement_edit, name="achievement_create"),
    path("achievements/<int:achievement_id>/", views.achievement_detail, name="achievement_detail"),
    path("achievements/<int:achievement_id>/edit/", views.achievement_edit, name="achievement_edit"),
    path("experts/", views.expert_list, name="expert_list"),
    path("experts/new/", views.expert_edit, name="expert_create"),
    path("experts/<int:expert_id>/", views.expert_detail, name="expert_detail"),
    path("experts/<int:expert_id>/edit/", views.expert_edit, name="expert_edit"),
]
