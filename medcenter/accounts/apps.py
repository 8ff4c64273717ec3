from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_roles(**kwargs: Any) -> None:
    # Permissions are created after each app migrates; syncing after every app's post_migrate
    # means the last call sees them all. It is idempotent and cheap (ten groups).
    from medcenter.accounts.services import sync_roles

    sync_roles()


class AccountsConfig(AppConfig):
    name = "medcenter.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from medcenter.accounts import notices

        post_migrate.connect(_sync_roles, dispatch_uid="medcenter.accounts.sync_roles")
        notices.register()
