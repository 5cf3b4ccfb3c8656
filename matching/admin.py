from __future__ import annotations

from django.contrib import admin

from core.admin import ModelAdmin
from matching.models import (
    ForbiddenPair,
    MatchingSettings,
    MatchRun,
    MentorRequest,
    Proposal,
    Unmatched,
)


@admin.register(MatchingSettings)
class MatchingSettingsAdmin(ModelAdmin):
    list_display = ["program", "requests_allowed", "updated_at"]
    list_select_related = ["program"]


class ProposalInline(admin.TabularInline):
    model = Proposal
    extra = 0
    fields = ["mentee", "mentor", "score", "locked", "source"]
    readonly_fields = fields
    show_change_link = True


@admin.register(MatchRun)
class MatchRunAdmin(ModelAdmin):
    list_display = ["__str__", "cohort", "status", "created_at", "seconds", "objective"]
    list_filter = ["status"]
    list_select_related = ["cohort__program"]
    raw_id_fields = ["cohort", "run_by"]
    search_fields = ["cohort__name", "cohort__slug"]


@admin.register(Proposal)
class ProposalAdmin(ModelAdmin):
    list_display = ["__str__", "run", "score", "locked", "source"]
    list_filter = ["locked", "source"]
    raw_id_fields = ["run", "mentee", "mentor", "mentorship"]


@admin.register(Unmatched)
class UnmatchedAdmin(ModelAdmin):
    list_display = ["__str__", "run", "reason"]
    raw_id_fields = ["run", "mentee"]


@admin.register(ForbiddenPair)
class ForbiddenPairAdmin(ModelAdmin):
    list_display = ["__str__", "cohort", "created_by", "created_at"]
    raw_id_fields = ["cohort", "mentee", "mentor", "created_by"]


@admin.register(MentorRequest)
class MentorRequestAdmin(ModelAdmin):
    list_display = ["__str__", "cohort", "status", "created_at", "expires_at"]
    list_filter = ["status"]
    raw_id_fields = ["cohort", "mentee", "mentor", "mentorship"]
    exclude = ["message"]  # the mentee's words to the mentor stay between them
