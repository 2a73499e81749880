from django.urls import path

from . import views

app_name = "demands"

urlpatterns = [
    path("", views.demand_list, name="list"),
    path("new/", views.demand_create, name="create"),
    path("triage/", views.triage, name="triage"),
    path("connections/", views.my_connections, name="connections"),
    path("connections/<int:connection_id>/respond/", views.connection_respond, name="connection_respond"),
    path("connections/<int:connection_id>/outcome/", views.connection_outcome, name="connection_outcome"),
    path("<int:demand_id>/", views.demand_detail, name="detail"),
    path("<int:demand_id>/edit/", views.demand_edit, name="edit"),
    path("<int:demand_id>/attachments/<int:attachment_id>/", views.demand_attachment, name="attachment"),
    path("<int:demand_id>/connect/", views.connection_propose, name="connect"),
    path("<int:demand_id>/<str:action>/", views.demand_action, name="action"),
]
