from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "attune.plans"
    verbose_name = _("Plans")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from attune.plans.models import PlanRun

        # Who ran, edited and accepted which plan; the problem and plan JSON are kept on the
        # run itself (children's and caregivers' changes are audited on their own records).
        auditlog.register(PlanRun, exclude_fields=["id", "problem", "plan", "created_at"])
