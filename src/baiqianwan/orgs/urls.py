from django.urls import path

from . import views

app_name = "orgs"

urlpatterns = [
    path("", views.organisation_list, name="organisation_list"),
    path("new/", views.organisation_edit, name="organisation_create"),
    path("<int:organisation_id>/", views.organisation_detail, name="organisation_detail"),
    path("<int:organisation_id>/edit/", views.organisation_edit, name="organisation_edit"),
    path("people/", views.person_list, name="person_list"),
    path("people/new/", views.person_edit, name="person_create"),
    path("people/<int:person_id>/edit/", views.person_edit, name="person_edit"),
]
