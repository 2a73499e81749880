from django.urls import path

from . import views

app_name = "towns"

urlpatterns = [
    path("", views.town_list, name="towns"),
    path("new/", views.town_register, name="town_new"),
    path("<int:town_id>/", views.town_detail, name="town"),
    path("<int:town_id>/edit/", views.town_edit, name="town_edit"),
    path("<int:town_id>/status/", views.town_status, name="town_status"),
    path("<int:town_id>/reviews/", views.town_review, name="town_review"),
    path("pairs/", views.pairs, name="pairs"),
    path("pairs/confirm/", views.pairs_confirm, name="pairs_confirm"),
    path("pairs/<int:pair_id>/", views.pair_detail, name="pair"),
    path("pairs/<int:pair_id>/end/", views.pair_end, name="pair_end"),
]
