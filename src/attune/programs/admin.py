from django.contrib import admin

from attune.programs.models import Jurisdiction, Organization, Program, PublishedRuleSet, Room


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "created_at"]
    search_fields = ["name"]


@admin.register(Jurisdiction)
class JurisdictionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    search_fields = ["name"]


class RoomInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Room
    extra = 0


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "organization", "kind", "jurisdiction"]
    list_filter = ["kind", "jurisdiction"]
    search_fields = ["name", "organization__name"]
    inlines = [RoomInline]


@admin.register(PublishedRuleSet)
class PublishedRuleSetAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["jurisdiction", "rule_id", "version", "published_at"]
    list_filter = ["jurisdiction"]
