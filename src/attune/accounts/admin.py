from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from attune.accounts.models import FeedToken, Membership, User


class MembershipInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Membership
    extra = 0
    autocomplete_fields = ["program", "organization", "jurisdiction"]


@admin.register(User)
class PersonAdmin(UserAdmin):  # type: ignore[type-arg]
    list_display = ["username", "email", "first_name", "last_name", "is_active", "last_login"]
    inlines = [MembershipInline]
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        (None, {"fields": ["preferred_language"]}),
    )


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["user", "role", "organization", "program", "jurisdiction"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__email", "user__last_name"]
    autocomplete_fields = ["user", "program", "organization", "jurisdiction"]


@admin.register(FeedToken)
class FeedTokenAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["user", "kind", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["key_hash"]
