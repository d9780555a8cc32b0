from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from wuxing.orgs.models import Assignment, OrgUnit, RoleAssignment, User


class SuperuserOnly:
    """Django admin is for superusers only; everyone else uses the scoped pages."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser


@admin.register(OrgUnit)
class OrgUnitAdmin(SuperuserOnly, admin.ModelAdmin):
    list_display = ["code", "name", "level", "kind", "parent", "is_active"]
    list_filter = ["level", "kind", "is_active"]
    search_fields = ["code", "name"]
    readonly_fields = ["path", "depth", "parent"]
    list_select_related = ["parent"]

    def has_add_permission(self, request):
        return False  # units are added through the service, which maintains paths


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    raw_id_fields = ["unit"]


@admin.register(User)
class UserAdmin(SuperuserOnly, BaseUserAdmin):
    list_display = ["username", "real_name", "is_active", "is_superuser"]
    search_fields = ["username", "real_name"]
    fieldsets = BaseUserAdmin.fieldsets + (("五星", {"fields": ("real_name", "mobile")}),)
    inlines = [RoleInline]


@admin.register(Assignment)
class AssignmentAdmin(SuperuserOnly, admin.ModelAdmin):
    list_display = ["leader", "unit", "note"]
    raw_id_fields = ["leader", "unit"]
