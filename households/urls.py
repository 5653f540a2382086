from django.urls import path

from . import views

app_name = "households"

urlpatterns = [
    path("", views.household_list_view, name="list"),
    path("new/", views.household_create_view, name="create"),
    path("<int:pk>/", views.household_detail_view, name="detail"),
    path("<int:pk>/edit/", views.household_edit_view, name="edit"),
    path("<int:pk>/status/", views.household_status_view, name="status"),
    path("<int:pk>/income/", views.income_edit_view, name="income"),
    path("<int:pk>/members/add/", views.person_add_view, name="person_add"),
    path("<int:pk>/members/<int:person_pk>/leave/", views.person_leave_view, name="person_leave"),
]
