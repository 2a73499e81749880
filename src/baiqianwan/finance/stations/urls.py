from django.urls import path

from . import views

app_name = "finance_stations"

urlpatterns = [
    path("", views.station_list, name="stations"),
    path("new/", views.station_new, name="station_new"),
    path("<int:station_id>/", views.station_detail, name="station"),
    path("<int:station_id>/edit/", views.station_edit, name="station_edit"),
    path("<int:station_id>/steps/<str:action>/", views.station_step, name="station_step"),
]
