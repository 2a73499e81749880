from django.urls import path

from . import views

app_name = "commissioners"

urlpatterns = [
    path("rounds/", views.round_list, name="rounds"),
    path("rounds/<int:round_id>/", views.round_detail, name="round"),
    path("rounds/<int:round_id>/<str:action>/", views.round_action, name="action"),
]
