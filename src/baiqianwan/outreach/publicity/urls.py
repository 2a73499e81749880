from django.urls import path

from . import views

app_name = "outreach_publicity"

urlpatterns = [
    path("cases/", views.case_list, name="cases"),
    path("cases/new/", views.case_new, name="case_new"),
    path("cases/<int:case_id>/", views.case_detail, name="case"),
    path("cases/<int:case_id>/edit/", views.case_edit, name="case_edit"),
    path("cases/<int:case_id>/photos/<int:photo_id>/", views.case_photo, name="case_photo"),
    path("cases/<int:case_id>/<slug:action>/", views.case_step, name="case_step"),
    path("commendations/", views.commendation_list, name="commendations"),
    path("commendations/new/", views.commendation_new, name="commendation_new"),
    path("commendations/<int:commendation_id>/", views.commendation_detail, name="commendation"),
    path("commendations/<int:commendation_id>/edit/", views.commendation_edit, name="commendation_edit"),
    path(
        "commendations/<int:commendation_id>/<slug:action>/",
        views.commendation_step,
        name="commendation_step",
    ),
    path("policies/", views.policy_list, name="policies"),
    path("policies/new/", views.policy_new, name="policy_new"),
    path("policies/<int:policy_id>/", views.policy_detail, name="policy"),
    path("policies/<int:policy_id>/edit/", views.policy_edit, name="policy_edit"),
    path("policies/<int:policy_id>/<slug:action>/", views.policy_step, name="policy_step"),
]
