"""Loading mentorships for a user: members see their own, coordinators their programs' pairs
(activity only), everyone else gets 404."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from profiles.models import Person
from programs.access import programs_coordinated_by
from relationships.models import Mentorship
from relationships.pulse import read_pulse_token


def person_of(user):
    """The signed-in user's directory entry, or None."""
    if not user.is_authenticated:
        return None
    try:
        return user.person
    except Person.DoesNotExist:
        return None


def mentorships_of(user) -> QuerySet[Mentorship]:
    """The mentorships the user is in, as mentor or mentee."""
    if not user.is_authenticated:
        return Mentorship.objects.none()
    as_mentee = Mentorship.mentees.through.objects.filter(person__user=user).values("mentorship_id")
    return Mentorship.objects.filter(Q(mentor__user=user) | Q(pk__in=as_mentee))


def get_mentorship_for_member(user, pk: int, *, related: bool = True) -> Mentorship:
    """`related=False` loads the pair's row alone, for a page that loads what it shows itself
    (the pair page, whose cached parts need only the pair's id)."""
    mentorships = mentorships_of(user)
    if related:
        mentorships = mentorships.select_related("cohort__program", "mentor__user", "agreement")
    return get_object_or_404(mentorships, pk=pk)


def mentorships_coordinated_by(user) -> QuerySet[Mentorship]:
    """Pairs in the programs the user runs (site admins: all). For activity, never content."""
    return Mentorship.objects.filter(cohort__program__in=programs_coordinated_by(user))


def get_mentorship_for_coordinator(user, pk: int) -> Mentorship:
    return get_object_or_404(
        mentorships_coordinated_by(user).select_related("cohort__program", "mentor__user"), pk=pk
    )


def get_mentorship_for_member_or_coordinator(user, pk: int) -> Mentorship:
    """For status changes, which both the pair and its coordinators may make."""
    visible = mentorships_of(user) | mentorships_coordinated_by(user)
    return get_object_or_404(visible.select_related("cohort__program", "mentor__user"), pk=pk)


def get_pulse_for_token(token: str) -> tuple[Mentorship, Person, int]:
    """The pair, the person and the round a pulse link answers (relationships.pulse); 404 for a
    bad or expired link, a pair that no longer runs, or someone no longer in it. The signed
    token is the whole authority: it needs no session, and answers for its person only."""
    from_token = read_pulse_token(token)
    if from_token is None:
        raise Http404
    mentorship_id, user_id, round_ = from_token
    mentorship = get_object_or_404(
        Mentorship.objects.select_related("cohort__program").filter(
            status=Mentorship.Status.ACTIVE
        ),
        pk=mentorship_id,
    )
    person = get_object_or_404(Person, user_id=user_id)
    if person.pk != mentorship.mentor_id and not mentorship.mentees.filter(pk=person.pk).exists():
        raise Http404
    return mentorship, person, round_
