from django.urls import path

from . import views

app_name = "finance_funds"

urlpatterns = [
    path("", views.fund_list, name="funds"),
    path("new/", views.fund_new, name="fund_new"),
    path("<int:fund_id>/", views.fund_detail, name="fund"),
    path("<int:fund_id>/edit/", views.fund_edit, name="fund_edit"),
    path("<int:fund_id>/investments/new/", views.investment_new, name="investment_new"),
    path("investments/", views.investment_list, name="investments"),
    path("investments/<int:investment_id>/edit/", views.investment_edit, name="investment_edit"),
    path("reserve/", views.reserve_list, name="reserve"),
    path("reserve/new/", views.reserve_new, name="reserve_new"),
    path("reserve/<int:reserve_id>/", views.reserve_detail, name="reserve_entry"),
    path("reserve/<int:reserve_id>/steps/<str:action>/", views.reserve_step, name="reserve_step"),
]
