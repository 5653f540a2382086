"""The admin: every housing record with its history, scoped to the user's households; nothing is deleted (a
record is voided on its page with a reason)."""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from households.admin import NoDeleteMixin
from households.selectors import household_queryset

from .models import HousingPhoto, RetrofitCase, RetrofitStep, SafetyAssessment, WaterSurvey


class _ScopedByHousehold(NoDeleteMixin, SimpleHistoryAdmin):
    raw_id_fields = ["household"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).filter(household__in=household_queryset(request.user))


@admin.register(SafetyAssessment)
class SafetyAssessmentAdmin(_ScopedByHousehold):
    list_display = ["household", "assessed_on", "grade", "assessor", "unit", "voided_at"]
    list_filter = ["grade"]
    search_fields = ["household__number", "assessor"]


@admin.register(RetrofitCase)
class RetrofitCaseAdmin(_ScopedByHousehold):
    list_display = ["household", "kind", "stage", "planned_on", "accepted_on", "deadline", "voided_at"]
    list_filter = ["stage", "kind"]
    search_fields = ["household__number"]
    raw_id_fields = ["household", "assessment"]


@admin.register(WaterSurvey)
class WaterSurveyAdmin(_ScopedByHousehold):
    list_display = ["household", "surveyed_on", "source", "quantity_ok", "quality_ok", "convenience_ok", "guarantee_ok"]
    list_filter = ["source"]
    search_fields = ["household__number"]


@admin.register(RetrofitStep)
class RetrofitStepAdmin(NoDeleteMixin, admin.ModelAdmin):
    list_display = ["case", "stage", "on", "actor"]
    readonly_fields = ["case", "stage", "on", "actor", "note"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).filter(case__household__in=household_queryset(request.user))


@admin.register(HousingPhoto)
class HousingPhotoAdmin(NoDeleteMixin, admin.ModelAdmin):
    list_display = ["household", "kind", "created_at"]
    readonly_fields = ["household", "assessment", "case", "kind", "image", "uploaded_by"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).filter(household__in=household_queryset(request.user))
