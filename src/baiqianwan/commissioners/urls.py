from django.urls import path

from . import document_views, views

app_name = "commissioners"

urlpatterns = [
    path("rounds/", views.round_list, name="rounds"),
    path("rounds/<int:round_id>/", views.round_detail, name="round"),
    path("rounds/<int:round_id>/manual-plan.xlsx", views.manual_plan_template, name="manual_plan"),
    path("rounds/<int:round_id>/<str:action>/", views.round_action, name="action"),
    path("needs/<int:need_id>/", views.need_detail, name="need"),
    path("needs/<int:need_id>/constraint/", views.constraint_action, name="constraint"),
    path("nominations/<int:nomination_id>/", views.nomination_detail, name="nomination"),
    path("assignments/<int:assignment_id>/<str:action>/", views.assignment_action, name="assignment"),
    path("attention/", views.attention, name="attention"),
    path("assignments/<int:assignment_id>/letter.pdf", document_views.letter, name="letter"),
    path("assignments/<int:assignment_id>/agreement.pdf", document_views.agreement, name="agreement"),
    path("rounds/<int:round_id>/documents.zip", document_views.documents_zip, name="documents_zip"),
]
