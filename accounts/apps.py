from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("账号与区划")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from . import checks, signals
        from .roles import sync_after_migrate

        signals.connect()
        checks.register()
        # After auth's own receiver has created the permissions of each migrated app.
        post_migrate.connect(sync_after_migrate, dispatch_uid="accounts.roles.sync")
