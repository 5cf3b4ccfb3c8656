from __future__ import annotations

from django.contrib import admin

from core.admin import ModelAdmin
from relationships.models import ClosingQuestion, Mentorship, MentorshipEvent


class EventInline(admin.TabularInline):
    model = MentorshipEvent
    extra = 0
    readonly_fields = ["actor", "kind", "from_status", "to_status", "note", "created_at"]


@admin.register(Mentorship)
class MentorshipAdmin(ModelAdmin):
    list_display = ["__str__", "cohort", "mentor", "status", "source", "created_at"]
    list_filter = ["status", "source", "cohort__program"]
    # Who is paired, and in which cohort, is decided only by relationships.services.
    # mentorships_create (which asks matching.rules first), and what the pair wrote when
    # closing is theirs: the admin shows neither for editing.
    readonly_fields = ["cohort", "mentor", "mentees", "created_at"]
    exclude = ["close_comment"]
    list_select_related = ["cohort", "mentor__user"]
    inlines = [EventInline]

    def has_add_permission(self, request) -> bool:
        return False  # pairs come from matching or a coordinator's checked manual pairing


@admin.register(ClosingQuestion)
class ClosingQuestionAdmin(ModelAdmin):
    list_display = ["text", "program", "kind", "position"]
    list_filter = ["program"]
