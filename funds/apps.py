from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundsConfig(AppConfig):
    name = "funds"
    verbose_name = _("扶贫资金与项目")

    def ready(self) -> None:
        # The registry reaches this app only through these registrations (households imports no sector app,
        # DESIGN §3).
        from common.nav import NavItem, register_nav
        from households.demo import register_demo_step
        from households.filters import register_list_filter
        from households.panels import register_change_source, register_panel
        from households.providers import register_provider

        from .demo import seed_funds_demo
        from .filters import BENEFICIARY_FILTER
        from .providers import PROVIDER
        from .selectors import household_fund_changes
        from .views import household_panel

        register_provider(PROVIDER)
        register_panel(household_panel, order=500)
        register_change_source(household_fund_changes)
        register_list_filter(BENEFICIARY_FILTER)
        register_nav(NavItem(_("扶贫资金"), "funds:projects", "funds.view_project", order=500, group=_("行业部门")))
        register_demo_step(seed_funds_demo)
