from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "attune.accounts"
    verbose_name = _("Accounts and roles")

    def ready(self) -> None:
        from attune.accounts import signals  # noqa: F401 (connects the receivers)
        from attune.accounts.models import FeedToken
        from attune.lib.audit import follow

        follow(FeedToken, "key_hash", "last_used_at")
