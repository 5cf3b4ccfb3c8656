from django.contrib import admin

from core.admin import ModelAdmin
from flash.models import Attendance, Meeting, RotationPlan


@admin.register(RotationPlan)
class RotationPlanAdmin(ModelAdmin):
    list_display = ("event", "planned_at", "held_rounds", "published_at", "objective")
    readonly_fields = ("rounds",)


@admin.register(Meeting)
class MeetingAdmin(ModelAdmin):
    list_display = ("event", "round", "mentee", "mentor", "table", "score")
    list_filter = ("round",)
    raw_id_fields = ("mentee", "mentor")


@admin.register(Attendance)
class AttendanceAdmin(ModelAdmin):
    list_display = ("event", "person", "arrives_round")
    raw_id_fields = ("person",)
