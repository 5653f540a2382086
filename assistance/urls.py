from django.urls import path

from . import views

app_name = "assistance"

urlpatterns = [
    path("cadres/", views.cadre_list_view, name="cadres"),
    path("cadres/new/", views.cadre_create_view, name="cadre_create"),
    path("cadres/<int:pk>/", views.cadre_detail_view, name="cadre"),
    path("cadres/<int:pk>/edit/", views.cadre_edit_view, name="cadre_edit"),
    path("coverage/", views.coverage_view, name="coverage"),
    path("quotas/", views.quota_view, name="quotas"),
    path("households/<int:pk>/pair/", views.pairing_create_view, name="pair"),
    path("households/<int:pk>/handover/", views.pairing_handover_view, name="handover"),
    path("households/<int:pk>/end/", views.pairing_end_view, name="end"),
    path("households/<int:pk>/visits/new/", views.visit_create_view, name="visit_create"),
    path("households/<int:pk>/measures/new/", views.measure_create_view, name="measure_create"),
    path("measures/<int:pk>/edit/", views.measure_edit_view, name="measure_edit"),
    path("visits/<int:pk>/photo/", views.visit_photo_view, name="visit_photo"),
]
