from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "attune.api"
    verbose_name = _("API")

    def ready(self) -> None:
        from attune.api import webhooks  # noqa: F401 (connects its signal receivers)
        from attune.api.models import ApiToken, WebhookEndpoint
        from attune.lib.audit import follow

        # token rows are audited (made, revoked); the hash is never shown in the trail
        follow(ApiToken, "key_hash", "last_used_at", "created_at")
        follow(WebhookEndpoint, "secret", "created_at")
