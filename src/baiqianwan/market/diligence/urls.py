from django.urls import path

from . import views

urlpatterns = [
    path("diligence/", views.case_list, name="diligence"),
    path("diligence/new/", views.case_new, name="diligence_new"),
    path("diligence/<int:case_id>/", views.case_detail, name="diligence_case"),
    path("diligence/<int:case_id>/edit/", views.case_edit, name="diligence_edit"),
    path("diligence/<int:case_id>/steps/<str:action>/", views.case_step, name="diligence_step"),
]
