from django.urls import path

from . import views

app_name = "funds"
urlpatterns = [
    path("", views.project_list_view, name="projects"),
    path("projects/new/", views.project_create_view, name="project_create"),
    path("projects/<int:pk>/", views.project_detail_view, name="project"),
    path("projects/<int:pk>/edit/", views.project_edit_view, name="project_edit"),
    path("projects/<int:pk>/advance/", views.project_advance_view, name="project_advance"),
    path("projects/<int:pk>/void/", views.project_void_view, name="project_void"),
    path("projects/<int:pk>/allocate/", views.allocation_view, name="allocate"),
    path("projects/<int:pk>/beneficiaries/add/", views.beneficiary_add_view, name="beneficiary_add"),
    path("allocations/<int:pk>/void/", views.allocation_void_view, name="allocation_void"),
    path("sources/<int:pk>/void/", views.source_void_view, name="source_void"),
    path("beneficiaries/<int:pk>/weight/", views.beneficiary_weight_view, name="beneficiary_weight"),
    path("beneficiaries/<int:pk>/void/", views.beneficiary_void_view, name="beneficiary_void"),
    path("projects/<int:pk>/publicity/new/", views.publicity_create_view, name="publicity_create"),
    path("projects/<int:pk>/publicity/<int:photo>/photo/", views.publicity_photo_view, name="publicity_photo"),
    path("projects/<int:pk>/print/", views.project_print_view, name="project_print"),
    path("projects/<int:pk>/dividends/new/", views.dividend_run_view, name="dividend_run"),
    path("projects/<int:pk>/dividends/import/", views.dividend_import_view, name="dividend_import"),
    path(
        "projects/<int:pk>/dividends/import/errors.xlsx",
        views.dividend_import_report_view,
        name="dividend_import_report",
    ),
    path("sources/", views.source_list_view, name="sources"),
    path("sources/new/", views.source_create_view, name="source_create"),
    path("sources/<int:pk>/", views.source_detail_view, name="source"),
    path("sources/<int:pk>/edit/", views.source_edit_view, name="source_edit"),
    path("dividends/", views.run_list_view, name="runs"),
    path("dividends/<int:pk>/", views.run_detail_view, name="run"),
    path("dividends/<int:pk>/undo/", views.run_undo_view, name="run_undo"),
    path("dividends/<int:pk>/publish/", views.run_publish_view, name="run_publish"),
    path("dividends/<int:pk>/print/", views.run_print_view, name="run_print"),
    path("plan/", views.plan_view, name="plan"),
    path("ledger.xlsx", views.ledger_export_view, name="ledger_export"),
    path("loans/", views.loan_list_view, name="loans"),
    path("loans/new/", views.loan_create_view, name="loan_create"),
    path("loans/<int:pk>/", views.loan_detail_view, name="loan"),
    path("loans/rate/", views.micro_rate_view, name="micro_rate"),
]
