"""The funds models in the admin: read-mostly, scoped to the user's projects, nothing deleted (writes belong to
the pages and their services, which check the rules)."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from .models import DividendRun, FundSource, Project
from .selectors import project_queryset, run_queryset, source_queryset


class ReadOnlyAdmin(SimpleHistoryAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(FundSource)
class FundSourceAdmin(ReadOnlyAdmin):
    list_display = ("year", "name", "kind", "amount", "document", "voided_at")
    list_filter = ("year", "kind")
    search_fields = ("name", "document")

    def get_queryset(self, request: HttpRequest) -> QuerySet[FundSource]:
        return source_queryset(request.user)


@admin.register(Project)
class ProjectAdmin(ReadOnlyAdmin):
    list_display = ("name", "kind", "first_year", "area", "status", "voided_at")
    list_filter = ("kind", "status", "first_year")
    search_fields = ("name", "implementer")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Project]:
        return project_queryset(request.user)


@admin.register(DividendRun)
class DividendRunAdmin(ReadOnlyAdmin):
    list_display = ("project", "year", "amount", "method", "status", "paid_on")
    list_filter = ("status", "year")

    def get_queryset(self, request: HttpRequest) -> QuerySet[DividendRun]:
        return run_queryset(request.user)
