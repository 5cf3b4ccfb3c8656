from __future__ import annotations

from django.contrib import admin

from core.admin import ModelAdmin
from programs.models import (
    Cohort,
    Enrolment,
    EnrolmentQuestion,
    FlashEvent,
    FlashTable,
    ParticipantImport,
    Program,
)


class QuestionInline(admin.TabularInline):
    model = EnrolmentQuestion
    extra = 0


@admin.register(Program)
class ProgramAdmin(ModelAdmin):
    list_display = ["name", "slug", "format", "enrolment", "cadence_days"]
    list_filter = ["format", "enrolment"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["coordinators"]
    inlines = [QuestionInline]


@admin.register(Cohort)
class CohortAdmin(ModelAdmin):
    list_display = ["name", "program", "status", "start_date", "end_date"]
    list_filter = ["status", "program"]
    search_fields = ["name", "slug"]
    list_select_related = ["program"]


@admin.register(Enrolment)
class EnrolmentAdmin(ModelAdmin):
    list_display = ["person", "cohort", "role", "status", "invitation_sent_at"]
    list_filter = ["role", "status", "cohort__program"]
    search_fields = ["person__user__email", "person__user__last_name"]
    list_select_related = ["person__user", "cohort__program"]
    raw_id_fields = ["person", "cohort"]


@admin.register(ParticipantImport)
class ParticipantImportAdmin(ModelAdmin):
    list_display = ["filename", "cohort", "uploaded_by", "created_at"]
    readonly_fields = ["content"]


class FlashTableInline(admin.TabularInline):
    model = FlashTable
    extra = 0


@admin.register(FlashEvent)
class FlashEventAdmin(ModelAdmin):
    list_display = ["cohort", "starts_at", "rounds", "round_minutes", "table_size"]
    list_select_related = ["cohort__program"]
    raw_id_fields = ["cohort", "follow_on_cohort"]
    inlines = [FlashTableInline]
