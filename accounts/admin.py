from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin

from .models import Area, User
from .resources import AreaResource


@admin.register(Area)
class AreaAdmin(ImportExportModelAdmin):
    resource_classes = [AreaResource]
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent"]

    def has_delete_permission(self, request: HttpRequest, obj: Area | None = None) -> bool:
        # Households and users point at areas; an area is renamed or moved, never deleted here.
        return False


class PasswordResetForm(AdminPasswordChangeForm):
    """An administrator's reset: the user must choose a new password at the next login."""

    def save(self, commit: bool = True) -> User:
        self.user.must_change_password = True
        return super().save(commit=commit)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    change_password_form = PasswordResetForm
    list_display = ["username", "last_name", "first_name", "area", "sector", "is_active", "last_login"]
    list_filter = ["groups", "is_active", "area__level"]
    autocomplete_fields = ["area"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("工作范围"), {"fields": ("area", "sector")}),
    )

    def get_readonly_fields(self, request: HttpRequest, obj: User | None = None) -> tuple[str, ...]:
        # Only a superuser may hand out superuser rights or single permissions outside the roles.
        if request.user.is_superuser:
            return ()
        return ("is_superuser", "user_permissions", "last_login", "date_joined")

    def has_delete_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        # Accounts are deactivated, not deleted, so the history keeps naming who did what.
        return False

    def save_model(self, request: HttpRequest, obj: User, form: object, change: bool) -> None:
        if not change:
            obj.must_change_password = True  # a new account chooses its own password at the first login
        super().save_model(request, obj, form, change)
