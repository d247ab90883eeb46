from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "attune.jobs"
    verbose_name = _("Jobs")

    def ready(self) -> None:
        # A task that the queue gave up on (failed every try, or its worker died every time)
        # marks its job failed, in plain words.
        from attune.jobs import services  # noqa: F401 (connects its signal receivers)
