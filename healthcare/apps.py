from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HealthcareConfig(AppConfig):
    name = "healthcare"
    verbose_name = _("卫生健康与医疗保障")

    def ready(self) -> None:
        # The registry reaches this app only through these registrations (households imports no sector app,
        # DESIGN §3).
        from common.nav import NavItem, register_nav
        from households.demo import register_demo_step
        from households.filters import register_list_filter
        from households.panels import register_change_source, register_panel
        from households.providers import register_provider

        from .demo import seed_health_demo
        from .filters import HEALTH_FILTER
        from .providers import PROVIDER
        from .selectors import health_changes
        from .views import household_panel

        register_provider(PROVIDER)
        register_panel(household_panel, order=200)
        register_change_source(health_changes)
        # One entry; the app's lists are tabs on its pages (templates/healthcare/_subnav.html).
        register_nav(
            NavItem(_("健康扶贫"), "healthcare:aid", "healthcare.view_expense", order=200, group=_("行业部门"))
        )
        register_list_filter(HEALTH_FILTER)
        register_demo_step(seed_health_demo)
