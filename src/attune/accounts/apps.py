from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "attune.accounts"
    verbose_name = _("Accounts and roles")

    def ready(self) -> None:
        from attune.accounts import signals  # noqa: F401 (connects the receivers)
        from attune.accounts.models import FeedToken, Invitation
        from attune.lib.audit import follow

        follow(FeedToken, "key_hash", "last_used_at")
        follow(Invitation, "key_hash")


class OperatorAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with the operator's site (superusers only)."""

    default = False

    default_site = "attune.accounts.admin_site.OperatorAdminSite"
