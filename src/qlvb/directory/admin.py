"""Units, accounts and roles in Django admin, for looking up. Read-only: every change goes through
the services (the qlvb pages ``/quan-tri/...`` and the API), which check the rights and write the
audit log; an edit here would bypass both."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import ApiToken, RoleAssignment, Unit, User


class ReadOnlyAdmin(admin.ModelAdmin):
    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    fields = ("role", "unit", "granted_at")
    readonly_fields = ("role", "unit", "granted_at")
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Unit)
class UnitAdmin(ReadOnlyAdmin):
    list_display = ["name", "short_name", "kind", "organ_id", "username_prefix", "agency", "external", "is_active"]
    list_filter = ["kind", "external", "is_active"]
    search_fields = ["name", "name_folded", "short_name", "organ_id"]


@admin.register(User)
class UserAdmin(ReadOnlyAdmin):
    list_display = ["username", "full_name", "unit", "position", "is_active", "is_staff", "last_login"]
    list_filter = ["is_active", "is_staff", "unit"]
    search_fields = ["username", "full_name", "full_name_folded", "email"]
    exclude = ["password"]
    inlines = [RoleInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in User._meta.fields if f.name != "password"]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(ReadOnlyAdmin):
    list_display = ["user", "role", "unit", "granted_at"]
    list_filter = ["role", "unit"]
    search_fields = ["user__username", "user__full_name_folded"]


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ["prefix", "user", "name", "created_at", "expires_at", "last_used_at", "revoked_at"]
    search_fields = ["user__username", "prefix"]
    exclude = ["key_hash"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in ApiToken._meta.fields if f.name != "key_hash"]
