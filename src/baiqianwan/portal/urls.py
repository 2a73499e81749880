from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("captcha.png", views.captcha_image, name="captcha"),
    path("demands/new/", views.demand_new, name="demand_new"),
    path("demands/done/", views.demand_done, name="demand_done"),
    path("demands/status/", views.demand_status, name="demand_status"),
    path("notices/", views.notices, name="notices"),
    path("notices/calls/<int:call_id>/", views.call_notice, name="call_notice"),
    path("notices/objections/", views.objection_status, name="objection_status"),
    path("market/", views.listings, name="listings"),
    path("market/<int:listing_id>/", views.listing, name="listing"),
    path("notices/dispatch/<int:round_id>/", views.dispatch, name="dispatch"),
    path("cases/", views.cases, name="cases"),
    path("cases/<int:case_id>/", views.case, name="case"),
    path("cases/<int:case_id>/photos/<int:photo_id>/", views.case_photo, name="case_photo"),
    path("honours/", views.honours, name="honours"),
    path("honours/<int:commendation_id>/", views.honour, name="honour"),
    path("policies/", views.policies, name="policies"),
    path("policies/<int:policy_id>/", views.policy, name="policy"),
    path("data/", views.data, name="data"),
    path("data/<str:name>.<str:fmt>", views.data_download, name="data_download"),
]
