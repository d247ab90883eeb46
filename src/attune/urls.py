from django.contrib import admin
from django.urls import include, path

from attune.accounts.views import set_language
from attune.lib.views import favicon

urlpatterns = [
    path("favicon.ico", favicon, name="favicon"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("accounts/", include("attune.accounts.urls")),
    # the operator's support pages: superusers only (attune.accounts.admin_site)
    path("operator/admin/", admin.site.urls),
    path("", include("attune.programs.urls")),
    path("", include("attune.plans.urls")),
    path("", include("attune.care.urls")),
    path("", include("attune.training.urls")),
    path("", include("attune.workforce.urls")),
    path("", include("attune.jobs.urls")),
    path("", include("attune.api.urls")),
]

# A bad query parameter (attune.lib.params.BadParameter) is a 400 page that says what was wrong.
handler400 = "attune.lib.views.bad_request"
