"""The dashboard's relationship panels. core's dashboard view knows nothing of mentorships; the
panels load their own data, through the same selectors and scoping as the pages."""

from __future__ import annotations

from django import template

from programs.access import cohorts_coordinated_by
from relationships import selectors
from relationships.access import mentorships_coordinated_by

register = template.Library()


@register.inclusion_tag("relationships/includes/dashboard_mentorships.html", takes_context=True)
def my_mentorships(context) -> dict:
    return {"mentorships": selectors.participant_overview(context["request"].user)}


@register.inclusion_tag("relationships/includes/dashboard_pulse.html", takes_context=True)
def relationships_pulse(context) -> dict:
    user = context["request"].user
    cohorts = list(cohorts_coordinated_by(user).exclude(status="draft").order_by("-start_date"))
    pulse = selectors.cohorts_pulse(mentorships_coordinated_by(user))
    rows = [(cohort, pulse[cohort.pk]) for cohort in cohorts if cohort.pk in pulse]
    return {"rows": rows}
