from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    name = "attune.programs"
    verbose_name = _("Programs")

    def ready(self) -> None:
        from attune.programs import audit, people

        audit.register_models()
        people.register()
