from __future__ import annotations

from django.contrib import admin

from core.admin import ModelAdmin
from profiles.models import Person


@admin.register(Person)
class PersonAdmin(ModelAdmin):
    list_display = ["__str__", "department", "job_title", "seniority", "manager"]
    list_filter = ["department", "seniority"]
    search_fields = ["user__email", "user__first_name", "user__last_name", "department"]
    list_select_related = ["user", "manager__user"]
    raw_id_fields = ["user", "manager"]
