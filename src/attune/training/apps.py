from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "attune.training"
    verbose_name = _("Training for Trainers")

    def ready(self) -> None:
        from attune.lib.audit import follow
        from attune.training import models

        for model in (
            models.TftRequest, models.TftEvent, models.EventSession, models.Enrollment,
            models.Attendance, models.Commitment, models.Delivery, models.DeliverySession,
            models.DeliveryAttendee, models.Person, models.CoreKnowledgeMapping,
            models.SessionMaterial, models.SupportActivity, models.Reflection,
            models.FidelityItem, models.FidelityScore, models.SelfAssessment,
        ):  # fmt: skip
            follow(model)
        follow(models.RegistryExport, "content")
        follow(models.Certificate)
        follow(models.Evaluation)  # the file itself is kept, not diffed
