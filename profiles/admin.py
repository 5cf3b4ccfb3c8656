from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import ModelAdmin
from profiles.models import Person


class DepartmentFilter(admin.SimpleListFilter):
    """Departments by name, people without one under a name too (an empty link has no text)."""

    title = _("department")
    parameter_name = "department"
    NONE = "-"

    def lookups(self, request, model_admin):
        names = Person.objects.exclude(department="").values_list("department", flat=True)
        return [*((name, name) for name in sorted(set(names))), (self.NONE, _("(none)"))]

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        return queryset.filter(department="" if value == self.NONE else value)


@admin.register(Person)
class PersonAdmin(ModelAdmin):
    list_display = ["__str__", "department", "job_title", "seniority", "manager"]
    list_filter = [DepartmentFilter, "seniority"]
    search_fields = ["user__email", "user__first_name", "user__last_name", "department"]
    list_select_related = ["user", "manager__user"]
    raw_id_fields = ["user", "manager"]
