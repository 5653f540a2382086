"""The Django admin for the district office. Household data in the admin is scoped like every page."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from import_export.admin import ImportExportModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from accounts.selectors import areas_in_scope

from .models import ExitEvidenceRule, Household, HouseholdIncome, HouseholdStatusChange, Person, PovertyStandard
from .resources import PovertyStandardResource
from .standards import merged_lines_warning


class NoDeleteMixin:
    """DESIGN: a household or a person leaves by a status change with a reason, never by a deleted row."""

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class PersonInline(NoDeleteMixin, admin.TabularInline):
    model = Person
    extra = 0
    fields = ["name", "id_number", "relation", "sex", "birth_date", "left_reason", "left_on"]
    readonly_fields = ["sex", "birth_date"]
    show_change_link = True


@admin.register(Household)
class HouseholdAdmin(NoDeleteMixin, SimpleHistoryAdmin):
    list_display = ["number", "village", "attribute", "main_cause", "status", "exit_year"]
    list_filter = ["status", "attribute", "main_cause", "village__parent"]
    search_fields = ["number", "members__name"]
    raw_id_fields = ["village"]
    inlines = [PersonInline]
    # A status changes only through rules.status_change_refusal's ways (DESIGN §6): the exit procedure, or the
    # household page's status change with a reason, each recording a status-change row and a reassessment.
    # The admin shows it and never edits it.
    readonly_fields = ["status", "exit_year"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Household]:
        return super().get_queryset(request).in_areas(areas_in_scope(request.user)).select_related("village")


@admin.register(Person)
class PersonAdmin(NoDeleteMixin, SimpleHistoryAdmin):
    list_display = ["name", "household", "relation", "sex", "birth_date", "left_reason"]
    list_filter = ["relation", "sex", "left_reason", "health"]
    search_fields = ["name", "=id_number", "household__number"]
    raw_id_fields = ["household"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Person]:
        scoped = Household.objects.in_areas(areas_in_scope(request.user))
        return super().get_queryset(request).filter(household__in=scoped).select_related("household")


@admin.register(HouseholdIncome)
class HouseholdIncomeAdmin(NoDeleteMixin, SimpleHistoryAdmin):
    list_display = ["household", "year", "wage", "business", "property_income", "transfer", "business_cost"]
    list_filter = ["year"]
    search_fields = ["household__number"]
    raw_id_fields = ["household"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[HouseholdIncome]:
        scoped = Household.objects.in_areas(areas_in_scope(request.user))
        return super().get_queryset(request).filter(household__in=scoped)


@admin.register(HouseholdStatusChange)
class HouseholdStatusChangeAdmin(admin.ModelAdmin):
    """Read-only: the status history is written by the services alone."""

    list_display = ["household", "from_status", "to_status", "reason", "actor", "at"]
    list_filter = ["to_status"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[HouseholdStatusChange]:
        scoped = Household.objects.in_areas(areas_in_scope(request.user))
        return super().get_queryset(request).filter(household__in=scoped)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(PovertyStandard)
class PovertyStandardAdmin(NoDeleteMixin, ImportExportModelAdmin, SimpleHistoryAdmin):
    resource_classes = [PovertyStandardResource]
    list_display = ["year", "poverty_line", "dibao_line"]

    def save_model(self, request: HttpRequest, obj: PovertyStandard, form: object, change: bool) -> None:
        super().save_model(request, obj, form, change)
        # 两线合一 (plan ch. 8): the district may set different lines, but is told so after saving.
        warning = merged_lines_warning(year=obj.year, poverty_line=obj.poverty_line, dibao_line=obj.dibao_line)
        if warning:
            self.message_user(request, warning, level=messages.WARNING)


@admin.register(ExitEvidenceRule)
class ExitEvidenceRuleAdmin(SimpleHistoryAdmin):
    """The district office decides which exit steps require an attachment (issue 17)."""

    list_display = ["step", "required"]
    list_editable = ["required"]
    fields = ["step", "required"]
    readonly_fields = ["step"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # one row per step, made by the migration

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
