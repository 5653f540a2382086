from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssistanceConfig(AppConfig):
    name = "assistance"
    verbose_name = _("结对帮扶")

    def ready(self) -> None:
        # The household page and the ledger import reach this app only through these registrations
        # (households imports none of the sector apps, DESIGN §3).
        from common.nav import NavItem, register_nav
        from households.demo import register_demo_step
        from households.ledger.extensions import register_extension
        from households.panels import register_panel

        from .demo import seed_assistance_demo
        from .ledger import CADRE_COLUMNS
        from .views import household_panel

        register_panel(household_panel, order=100)
        register_nav(
            NavItem(_("帮扶干部"), "assistance:cadres", "assistance.view_cadre", order=100, group=_("结对帮扶"))
        )
        register_nav(
            NavItem(_("帮扶缺口"), "assistance:coverage", "assistance.view_pairing", order=110, group=_("结对帮扶"))
        )
        register_extension(CADRE_COLUMNS)
        register_demo_step(seed_assistance_demo)
