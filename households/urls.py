from django.urls import path

from . import exit_views, views
from .ledger import views as ledger_views

app_name = "households"

urlpatterns = [
    path("", views.household_list_view, name="list"),
    path("new/", views.household_create_view, name="create"),
    path("export/", ledger_views.export_view, name="export"),
    path("import/", ledger_views.import_start_view, name="import"),
    path("import/<int:pk>/", ledger_views.import_detail_view, name="import_detail"),
    path("import/<int:pk>/confirm/", ledger_views.import_confirm_view, name="import_confirm"),
    path("import/<int:pk>/cancel/", ledger_views.import_cancel_view, name="import_cancel"),
    path("import/<int:pk>/errors.xlsx", ledger_views.import_errors_view, name="import_errors"),
    path("<int:pk>/", views.household_detail_view, name="detail"),
    path("<int:pk>/edit/", views.household_edit_view, name="edit"),
    path("<int:pk>/status/", views.household_status_view, name="status"),
    path("<int:pk>/income/", views.income_edit_view, name="income"),
    path("<int:pk>/members/add/", views.person_add_view, name="person_add"),
    path("<int:pk>/revert/", views.household_revert_view, name="revert"),
    path("<int:pk>/exit/", exit_views.exit_view, name="exit"),
    path("<int:pk>/exit/propose/", exit_views.exit_propose_view, name="exit_propose"),
    path("<int:pk>/exit/<slug:action>/", exit_views.exit_action_view, name="exit_action"),
    path("<int:pk>/exit/evidence/<int:evidence_pk>/", exit_views.exit_evidence_view, name="exit_evidence"),
    path("recompute/", exit_views.recompute_runs_view, name="recompute_runs"),
    path("standards/", views.standard_list_view, name="standards"),
    path("publicity/<int:village_pk>/", exit_views.publicity_list_view, name="publicity"),
    path("<int:pk>/members/<int:person_pk>/leave/", views.person_leave_view, name="person_leave"),
    path("<int:pk>/members/<int:person_pk>/reveal/", views.person_reveal_view, name="person_reveal"),
]
