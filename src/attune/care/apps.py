from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CareConfig(AppConfig):
    name = "attune.care"
    verbose_name = _("Daily care")

    def ready(self) -> None:
        from attune.care.audit import register_models

        register_models()
        from attune.care import photos  # noqa: F401 (connects the photo files' clean-up)
