from django.urls import path

from . import views

app_name = "healthcare"

urlpatterns = [
    path("aid/", views.aid_list_view, name="aid"),
    path("aid/export/", views.aid_export_view, name="aid_export"),
    path("aid/settings/", views.aid_setting_view, name="aid_setting"),
    path("uninsured/", views.uninsured_view, name="uninsured"),
    path("progress/", views.progress_view, name="progress"),
    path("disabled/", views.disabled_view, name="disabled"),
    path("imports/<str:kind>/", views.import_view, name="import"),
    path("imports/<str:kind>/confirm/", views.import_confirm_view, name="import_confirm"),
    path("imports/<str:kind>/errors/", views.import_errors_view, name="import_errors"),
    path("households/<int:pk>/expenses/new/", views.expense_create_view, name="expense_create"),
    path("households/<int:pk>/insurance/new/", views.insurance_create_view, name="insurance_create"),
    path("households/<int:pk>/illnesses/new/", views.illness_create_view, name="illness_create"),
    path("households/<int:pk>/disability/new/", views.disability_create_view, name="disability_create"),
    path("expenses/<int:pk>/void/", views.expense_void_view, name="expense_void"),
    path("illnesses/<int:pk>/", views.illness_edit_view, name="illness_edit"),
    path("insurance/<int:pk>/void/", views.insurance_void_view, name="insurance_void"),
]
