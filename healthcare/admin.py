"""The admin for the district office: every health record with its history, scoped like the pages. Nothing is
deleted here either (a wrong record is voided with a reason); the person's ID number is never listed."""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from households.admin import NoDeleteMixin
from households.selectors import household_queryset

from .models import AidSetting, DisabilityService, Expense, Illness, Insurance


class _ScopedByHousehold(NoDeleteMixin, SimpleHistoryAdmin):
    raw_id_fields = ["household", "person"]
    readonly_fields = ["created_by", "created_at"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return (
            super()
            .get_queryset(request)
            .filter(household__in=household_queryset(request.user))
            .select_related("person", "household")
        )


@admin.register(Insurance)
class InsuranceAdmin(_ScopedByHousehold):
    list_display = ["person", "household", "year", "kind", "insured", "payer", "voided"]
    list_filter = ["year", "kind", "insured", "payer", "voided"]


@admin.register(Illness)
class IllnessAdmin(_ScopedByHousehold):
    list_display = ["person", "household", "kind", "disease", "diagnosed_on", "treated_on", "voided"]
    list_filter = ["kind", "disease", "causes_poverty", "family_doctor", "voided"]


@admin.register(Expense)
class ExpenseAdmin(_ScopedByHousehold):
    list_display = ["person", "household", "visited_on", "hospital", "total", "aid", "aid_group", "voided"]
    list_filter = ["level", "aid_group", "voided", "pay_after", "one_stop"]
    # The aid is the rules' result at recording time: not edited by hand.
    readonly_fields = [*_ScopedByHousehold.readonly_fields, "aid_group", "aid_rate", "aid_base", "aid", "aid_words"]


@admin.register(DisabilityService)
class DisabilityServiceAdmin(_ScopedByHousehold):
    list_display = ["person", "household", "programme", "received_on", "amount", "voided"]
    list_filter = ["programme", "voided"]


@admin.register(AidSetting)
class AidSettingAdmin(NoDeleteMixin, SimpleHistoryAdmin):
    list_display = ["year", "special_cap"]
