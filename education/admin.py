"""The admin for the district office: every education record with its history, scoped like the pages, never
deleted (records are voided or closed with a reason on the pages)."""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from households.admin import NoDeleteMixin
from households.selectors import household_queryset

from .models import Benefit, Enrolment, LeftBehindChild, LoanInterest, PolicySetting, StudentLoan


class _ScopedByHousehold(NoDeleteMixin, SimpleHistoryAdmin):
    raw_id_fields = ["household", "person"]
    household_path = "household"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).filter(**{f"{self.household_path}__in": household_queryset(request.user)})


@admin.register(Enrolment)
class EnrolmentAdmin(_ScopedByHousehold):
    list_display = [
        "person",
        "school_year",
        "stage",
        "school",
        "grade",
        "status",
        "started_on",
        "ended_on",
        "voided_at",
    ]
    list_filter = ["school_year", "stage", "status"]
    search_fields = ["person__name", "school"]
    readonly_fields = ["recorded_by", "voided_by", "voided_at"]


@admin.register(Benefit)
class BenefitAdmin(_ScopedByHousehold):
    raw_id_fields = ["enrolment"]
    household_path = "enrolment__household"
    list_display = ["enrolment", "item", "amount", "way", "on", "given_by", "voided_at"]
    list_filter = ["way", "item", "enrolment__school_year"]
    search_fields = ["enrolment__person__name", "given_by"]
    readonly_fields = ["recorded_by", "voided_by", "voided_at"]


@admin.register(LeftBehindChild)
class LeftBehindChildAdmin(_ScopedByHousehold):
    raw_id_fields = ["household", "child"]
    list_display = ["child", "household", "guardian_name", "guardian_phone", "registered_on", "closed_on"]
    list_filter = ["father_state", "mother_state"]
    search_fields = ["child__name", "guardian_name"]
    readonly_fields = ["recorded_by"]


@admin.register(PolicySetting)
class PolicySettingAdmin(NoDeleteMixin, SimpleHistoryAdmin):
    list_display = ["exited_keep_policy", "policy_until"]


@admin.register(StudentLoan)
class StudentLoanAdmin(_ScopedByHousehold):
    list_display = ["person", "bank", "contract_no", "amount", "signed_on", "voided_at"]
    search_fields = ["person__name", "contract_no"]
    readonly_fields = ["recorded_by", "voided_by", "voided_at"]


@admin.register(LoanInterest)
class LoanInterestAdmin(_ScopedByHousehold):
    raw_id_fields = ["loan"]
    household_path = "loan__household"
    list_display = ["loan", "school_year", "amount", "paid_on", "given_by", "voided_at"]
    list_filter = ["school_year"]
    readonly_fields = ["recorded_by", "voided_by", "voided_at"]
