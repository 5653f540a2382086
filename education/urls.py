from django.urls import path

from . import views

app_name = "education"
urlpatterns = [
    path("students/", views.student_list_view, name="students"),
    path("export/", views.student_export_view, name="export"),
    path("import/", views.import_view, name="import"),
    path("import/confirm/", views.import_confirm_view, name="import_confirm"),
    path("import/errors/", views.import_errors_view, name="import_errors"),
    path("policy/", views.policy_view, name="policy"),
    path("households/<int:pk>/enrol/", views.enrolment_create_view, name="enrol"),
    path("households/<int:pk>/loan/", views.loan_create_view, name="loan_create"),
    path("loans/<int:pk>/interest/", views.interest_create_view, name="interest_create"),
    path("loans/<int:pk>/void/", views.loan_void_view, name="loan_void"),
    path("households/<int:pk>/left-behind/", views.left_behind_create_view, name="left_behind_create"),
    path("enrolments/<int:pk>/edit/", views.enrolment_edit_view, name="enrolment_edit"),
    path("enrolments/<int:pk>/void/", views.enrolment_void_view, name="enrolment_void"),
    path("enrolments/<int:pk>/benefit/", views.benefit_create_view, name="benefit_create"),
    path("benefits/<int:pk>/void/", views.benefit_void_view, name="benefit_void"),
    path("left-behind/", views.left_behind_list_view, name="left_behind"),
    path("left-behind/survey/", views.survey_view, name="survey"),
    path("left-behind/<int:pk>/card/", views.left_behind_card_view, name="card"),
    path("left-behind/<int:pk>/edit/", views.left_behind_edit_view, name="left_behind_edit"),
    path("left-behind/<int:pk>/close/", views.left_behind_close_view, name="left_behind_close"),
]
