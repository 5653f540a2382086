from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HealthcareConfig(AppConfig):
    name = "healthcare"
    verbose_name = _("卫生健康与医疗保障")

    def ready(self) -> None:
        # The registry reaches this app only through these registrations (households imports no sector app,
        # DESIGN §3).
        from households.providers import register_provider

        from .providers import PROVIDER

        register_provider(PROVIDER)
