from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkforceConfig(AppConfig):
    name = "attune.workforce"
    verbose_name = _("Infant mental health workforce")

    def ready(self) -> None:
        from attune.lib.audit import follow
        from attune.workforce import models

        for model in (
            models.Profile, models.Education, models.Experience, models.TrainingRecord,
            models.ReflectiveGroup, models.RscSession, models.Application,
            models.ApplicationDocument, models.StateRequirement, models.DirectoryEntry,
            models.SupportRequest,
        ):  # fmt: skip
            follow(model)
