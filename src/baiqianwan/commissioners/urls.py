from django.urls import path

from .assessment import views as assessment_views
from .documents import views as document_views
from .fieldwork import views as fieldwork_views
from .rounds import views as rounds_views
from .teams import views as team_views

app_name = "commissioners"

urlpatterns = [
    path("rounds/", rounds_views.round_list, name="rounds"),
    path("rounds/<int:round_id>/", rounds_views.round_detail, name="round"),
    path("rounds/<int:round_id>/manual-plan.xlsx", rounds_views.manual_plan_template, name="manual_plan"),
    path("rounds/<int:round_id>/<str:action>/", rounds_views.round_action, name="action"),
    path("needs/<int:need_id>/", rounds_views.need_detail, name="need"),
    path("needs/<int:need_id>/constraint/", rounds_views.constraint_action, name="constraint"),
    path("nominations/<int:nomination_id>/", rounds_views.nomination_detail, name="nomination"),
    path("assignments/<int:assignment_id>/<str:action>/", rounds_views.assignment_action, name="assignment"),
    path("attention/", rounds_views.attention, name="attention"),
    path("confirmations/", rounds_views.confirmation_list, name="confirmations"),
    path("confirmations/remind/", rounds_views.confirmation_remind, name="confirmation_remind"),
    path(
        "confirmations/<int:assignment_id>/confirm/",
        rounds_views.confirmation_confirm,
        name="confirmation_confirm",
    ),
    path("assignments/<int:assignment_id>/letter.pdf", document_views.letter, name="letter"),
    path("assignments/<int:assignment_id>/agreement.pdf", document_views.agreement, name="agreement"),
    path("rounds/<int:round_id>/documents.zip", document_views.documents_zip, name="documents_zip"),
    path("overview/", assessment_views.overview_page, name="overview"),
    path("assessment/", assessment_views.assessment_list, name="assessments"),
    path("assessment/<int:scheme_id>/", assessment_views.assessment_detail, name="assessment"),
    path("assessment/<int:scheme_id>/sheet.xlsx", assessment_views.score_sheet, name="score_sheet"),
    path("assessment/<int:scheme_id>/upload/", assessment_views.score_upload, name="score_upload"),
    path(
        "assessment/<int:scheme_id>/records/<int:record_id>/score/",
        assessment_views.assessment_score,
        name="assessment_score",
    ),
    path(
        "assessment/<int:scheme_id>/<str:action>/",
        assessment_views.assessment_action,
        name="assessment_action",
    ),
    path("key-tasks/", assessment_views.key_task_list, name="key_tasks"),
    path("key-tasks/<int:task_id>/", assessment_views.key_task_detail, name="key_task"),
    path("teams/", team_views.team_list, name="teams"),
    path("teams/<int:team_id>/", team_views.team_detail, name="team"),
    path("teams/<int:team_id>/leader/", team_views.team_leader, name="team_leader"),
    path("teams/<int:team_id>/workstation/", team_views.team_workstation, name="team_workstation"),
    path("workstations/", team_views.workstation_list, name="workstations"),
    path("workstations/new/", team_views.workstation_edit, name="workstation_new"),
    path("workstations/<int:workstation_id>/edit/", team_views.workstation_edit, name="workstation_edit"),
    path("logs/", fieldwork_views.log_list, name="logs"),
    path("logs/queue/", fieldwork_views.log_queue, name="log_queue"),
    path("logs/new/", fieldwork_views.log_create, name="log_new"),
    path("logs/<int:log_id>/", fieldwork_views.log_detail, name="log"),
    path("logs/<int:log_id>/edit/", fieldwork_views.log_edit, name="log_edit"),
    path("logs/<int:log_id>/photos/<int:photo_id>/", fieldwork_views.log_photo, name="log_photo"),
    path("logs/<int:log_id>/<str:action>/", fieldwork_views.log_action, name="log_action"),
]
