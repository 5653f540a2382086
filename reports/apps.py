from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("统计与迎检")

    def ready(self) -> None:
        # The registry reaches this app only through these registrations (DESIGN §3: reports depends on the
        # registry and the sector apps, never the other way round).
        from common.nav import NavItem, register_nav
        from households.demo import register_demo_step
        from households.filters import ListFilter, register_list_filter
        from households.panels import register_panel
        from households.services.assessment import register_after_assessments

        from . import sector_figures, views
        from .demo import seed_reports_demo
        from .figures import COVER_CHOICES, EXIT_YEARS, cover_filter, exit_year_filter
        from .services import queue_after_assessments

        register_nav(
            NavItem(_("统计看板"), "reports:dashboard", "reports.view_dashboard", order=600, group=_("统计迎检"))
        )
        register_nav(NavItem(_("数据疑点"), "reports:problems", "reports.view_problem", order=610, group=_("统计迎检")))
        register_nav(NavItem(_("迎检资料"), "reports:packs", "reports.export_pack", order=620, group=_("统计迎检")))
        register_nav(NavItem(_("变更清单"), "reports:changes", "reports.view_changes", order=630, group=_("统计迎检")))
        # The dashboard's drill-down needs these two filters on the household list (same households as the
        # figures, figures.py).
        register_list_filter(ListFilter("cover", str(_("帮扶覆盖")), COVER_CHOICES, cover_filter))
        register_list_filter(
            ListFilter(
                "exit_year", str(_("脱贫年度")), tuple((str(y), f"{y} 年") for y in EXIT_YEARS), exit_year_filter
            )
        )
        register_demo_step(seed_reports_demo)
        register_panel(views.household_panel, order=700)
        register_after_assessments(queue_after_assessments)
        sector_figures.register()
