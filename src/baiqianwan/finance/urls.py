from django.urls import path

from . import views

app_name = "finance"

urlpatterns = [
    path("", views.home, name="home"),
    path("products/", views.product_list, name="products"),
    path("products/new/", views.product_new, name="product_new"),
    path("products/match/", views.match, name="match"),
    path("products/<int:product_id>/", views.product_detail, name="product"),
    path("products/<int:product_id>/edit/", views.product_edit, name="product_edit"),
    path("products/<int:product_id>/steps/<str:action>/", views.product_step, name="product_step"),
    path("applications/", views.application_list, name="applications"),
    path("applications/<int:application_id>/", views.application_detail, name="application"),
    path(
        "applications/<int:application_id>/steps/<str:action>/",
        views.application_step,
        name="application_step",
    ),
    path("loans/", views.loan_list, name="loans"),
    path("loans/new/", views.loan_new, name="loan_new"),
    path("loans/<int:loan_id>/", views.loan_detail, name="loan"),
    path("loans/<int:loan_id>/steps/<str:action>/", views.loan_step, name="loan_step"),
    path("claims/", views.claim_list, name="claims"),
    path("ratios/", views.ratios, name="ratios"),
    path("calculator/", views.calculator, name="calculator"),
]
