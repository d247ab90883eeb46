from django.contrib import admin

from attune.jobs.models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["pk", "kind", "status", "program", "jurisdiction", "created_by", "created_at"]
    list_filter = ["status", "kind"]
    search_fields = ["kind", "program__name"]
