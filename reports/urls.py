from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.dashboard_view, name="dashboard"),
    path("problems/", views.problem_list_view, name="problems"),
    path("problems/<int:pk>/", views.problem_handle_view, name="problem"),
    path("packs/", views.pack_list_view, name="packs"),
    path("packs/<int:pk>/", views.pack_detail_view, name="pack"),
    path("packs/<int:pk>/download/", views.pack_download_view, name="pack_download"),
    path("households/<int:pk>/file.pdf", views.household_file_view, name="household_file"),
    path("changes/", views.changes_view, name="changes"),
]
