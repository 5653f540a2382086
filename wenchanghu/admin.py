"""The admin site, entered by permission rather than by the staff flag.

等保2.0's separation of duties wants no business account marked staff. The district office still keeps its
reference tables, user accounts and corrections in the admin, so entry is the permission `accounts.use_admin`,
which the district office's role holds (accounts migration 0005); `is_staff` stays for technical accounts.
"""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest


class DistrictAdminSite(admin.AdminSite):
    site_header = "文昌湖区扶贫对象管理系统"
    site_title = "文昌湖区扶贫对象管理系统"
    index_title = "后台管理"

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return user.is_active and (user.is_staff or user.has_perm("accounts.use_admin"))


class DistrictAdminConfig(AdminConfig):
    default_site = "wenchanghu.admin.DistrictAdminSite"
