"""The admin for the district office: the cadre roster's Excel import/export, and every record with its history.

Nothing is deleted here either. A pairing edited here bypasses the rules of the pages on purpose (the district
office corrects mistakes); the coverage page shows any household it leaves without a cadre.
"""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from import_export.admin import ImportExportModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from households.admin import NoDeleteMixin
from households.selectors import household_queryset

from .models import Cadre, Measure, Pairing, PairingQuota, Visit
from .resources import CadreResource


@admin.register(Cadre)
class CadreAdmin(NoDeleteMixin, ImportExportModelAdmin, SimpleHistoryAdmin):
    resource_classes = [CadreResource]
    list_display = ["name", "unit", "rank", "grade", "phone", "first_secretary", "work_team", "active"]
    list_filter = ["rank", "grade", "unit_type", "active", "first_secretary", "work_team"]
    search_fields = ["name", "unit", "phone"]


@admin.register(PairingQuota)
class PairingQuotaAdmin(NoDeleteMixin, SimpleHistoryAdmin):
    list_display = ["rank", "households"]


class _ScopedByHousehold(NoDeleteMixin, SimpleHistoryAdmin):
    raw_id_fields = ["household"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).filter(household__in=household_queryset(request.user))


@admin.register(Pairing)
class PairingAdmin(_ScopedByHousehold):
    list_display = ["household", "cadre", "started_on", "ended_on", "end_reason"]
    list_filter = ["end_reason"]
    search_fields = ["household__number", "cadre__name"]
    raw_id_fields = ["household", "cadre", "successor"]
    readonly_fields = ["created_by", "ended_by"]


@admin.register(Visit)
class VisitAdmin(_ScopedByHousehold):
    list_display = ["household", "cadre", "visited_on"]
    search_fields = ["household__number", "cadre__name"]
    raw_id_fields = ["household", "cadre"]
    readonly_fields = ["recorded_by"]


@admin.register(Measure)
class MeasureAdmin(_ScopedByHousehold):
    list_display = ["household", "year", "kind", "item", "amount", "done_on"]
    list_filter = ["year", "kind", "item"]
    search_fields = ["household__number", "description"]
    raw_id_fields = ["household", "person", "cadre"]
    readonly_fields = ["recorded_by"]
