from django.contrib import admin
from django.urls import include, path

from accounts import views as account_views

urlpatterns = [
    path("", account_views.home, name="home"),
    path("healthz/", account_views.health, name="health"),
    path("accounts/", include("accounts.urls")),
    path("households/", include("households.urls")),
    path("assistance/", include("assistance.urls")),
    path("healthcare/", include("healthcare.urls")),
    path("education/", include("education.urls")),
    path("housing/", include("housing.urls")),
    path("funds/", include("funds.urls")),
    path("reports/", include("reports.urls")),
    # One login page for everybody, the admin included, so one login policy applies.
    path("admin/login/", account_views.admin_login),
    path("admin/", admin.site.urls),
]
