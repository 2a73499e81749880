from django.urls import path

from . import views

app_name = "reviews"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("tasks/<int:assignment_id>/", views.task, name="task"),
    path("tasks/<int:assignment_id>/decline/", views.task_decline, name="decline"),
    path("tasks/<int:assignment_id>/files/<int:attachment_id>/", views.task_attachment, name="attachment"),
    path("calls/", views.review_calls, name="calls"),
    path("calls/<int:call_id>/", views.manage, name="manage"),
    path("calls/<int:call_id>/pool/", views.pool_add, name="pool_add"),
    path("calls/<int:call_id>/assign/", views.assign, name="assign"),
    path("calls/<int:call_id>/results/", views.results, name="results"),
    path("calls/<int:call_id>/provisional/", views.provisional, name="provisional"),
]
