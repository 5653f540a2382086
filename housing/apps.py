from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HousingConfig(AppConfig):
    name = "housing"
    verbose_name = _("住房安全与饮水")

    def ready(self) -> None:
        # The registry reaches this app only through these registrations (households imports no sector app,
        # DESIGN §3). 住房安全 and 饮水安全 of the exit rule come from housing's records where it has them.
        from common.nav import NavItem, register_nav
        from households.demo import register_demo_step
        from households.filters import ListFilter, register_list_filter
        from households.panels import register_change_source, register_panel
        from households.providers import FactsProvider, register_provider

        from .demo import seed_housing_demo
        from .filters import RETROFIT_FILTER
        from .history import housing_changes
        from .providers import FINGERPRINT_SQL, LABEL, housing_facts
        from .views import household_panel

        register_provider(FactsProvider("housing", LABEL, housing_facts, FINGERPRINT_SQL))
        register_panel(household_panel, order=400)
        register_change_source(housing_changes)
        register_nav(
            NavItem(_("危房改造"), "housing:board", "housing.view_retrofitcase", order=400, group=_("行业部门"))
        )
        register_nav(
            NavItem(_("饮水安全"), "housing:water", "housing.view_watersurvey", order=410, group=_("行业部门"))
        )
        register_list_filter(ListFilter(**RETROFIT_FILTER))
        register_demo_step(seed_housing_demo)
