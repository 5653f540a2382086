from django.urls import path

from . import views

app_name = "housing"

urlpatterns = [
    path("retrofits/", views.board_view, name="board"),
    path("retrofits/export/", views.export_view, name="export"),
    path("retrofits/import/", views.import_view, name="import"),
    path("retrofits/import/confirm/", views.import_confirm_view, name="import_confirm"),
    path("retrofits/import/errors/", views.import_errors_view, name="import_errors"),
    path("retrofits/import/template/", views.import_template_view, name="import_template"),
    path("retrofits/<int:pk>/", views.case_detail_view, name="case"),
    path("retrofits/<int:pk>/advance/", views.case_advance_view, name="advance"),
    path("retrofits/<int:pk>/edit/", views.case_edit_view, name="case_edit"),
    path("retrofits/<int:pk>/void/", views.case_void_view, name="case_void"),
    path("retrofits/<int:pk>/photos/new/", views.case_photo_view, name="case_photo"),
    path("water/", views.water_view, name="water"),
    path("households/<int:pk>/assessments/new/", views.assessment_create_view, name="assessment_create"),
    path("households/<int:pk>/retrofits/new/", views.retrofit_create_view, name="retrofit_create"),
    path("households/<int:pk>/water/new/", views.survey_create_view, name="survey_create"),
    path("assessments/<int:pk>/void/", views.assessment_void_view, name="assessment_void"),
    path("water/<int:pk>/void/", views.survey_void_view, name="survey_void"),
    path("photos/<int:pk>/", views.photo_view, name="photo"),
]
