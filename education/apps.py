from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EducationConfig(AppConfig):
    name = "education"
    verbose_name = _("教育扶贫")

    def ready(self) -> None:
        # The registry reaches this app only through these registrations (households imports none of the
        # sector apps, DESIGN §3).
        from common.nav import NavItem, register_nav
        from households.demo import register_demo_step
        from households.filters import ListFilter, register_list_filter
        from households.panels import register_change_source, register_panel
        from households.providers import FactsProvider, register_provider

        from .demo import seed_education_demo
        from .filters import CHOICES, filter_households
        from .providers import FINGERPRINT_SQL, education_facts
        from .selectors import household_changes
        from .views import household_panel

        register_provider(FactsProvider("education", "教育部门", education_facts, FINGERPRINT_SQL))
        register_panel(household_panel, order=300)
        register_change_source(household_changes)
        register_nav(
            NavItem(_("教育资助"), "education:students", "education.view_enrolment", order=300, group=_("行业部门"))
        )
        register_nav(
            NavItem(
                _("留守儿童"), "education:left_behind", "education.view_leftbehindchild", order=310, group=_("行业部门")
            )
        )
        register_list_filter(ListFilter("education", _("教育扶贫"), CHOICES, filter_households))
        register_demo_step(seed_education_demo)
