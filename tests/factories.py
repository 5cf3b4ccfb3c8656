from __future__ import annotations

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from profiles.models import Person
from programs.models import Cohort, Enrolment, EnrolmentQuestion, Program

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    timezone = "UTC"


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    user = factory.SubFactory(UserFactory)
    department = "Engineering"
    job_title = "Engineer"
    seniority = 3
    languages = factory.LazyFunction(lambda: ["en"])


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Program {n}")
    slug = factory.Sequence(lambda n: f"program-{n}")


class CohortFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cohort
        django_get_or_create = ("slug",)

    program = factory.SubFactory(ProgramFactory)
    name = factory.Sequence(lambda n: f"Cohort {n}")
    slug = factory.Sequence(lambda n: f"cohort-{n}")
    status = Cohort.Status.ENROLLING


class EnrolmentQuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EnrolmentQuestion

    program = factory.SubFactory(ProgramFactory)
    slug = factory.Sequence(lambda n: f"question_{n}")
    text = factory.Sequence(lambda n: f"Question {n}?")
    kind = EnrolmentQuestion.Kind.TEXT
    position = factory.Sequence(lambda n: n)


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrolment

    cohort = factory.SubFactory(CohortFactory)
    person = factory.SubFactory(PersonFactory)
    role = Enrolment.Role.MENTEE
    status = Enrolment.Status.INVITED


def paired(*, cohort, mentor, mentees, **fields):
    """A mentorship the way the product makes one: both sides approved in the cohort first,
    then the one pairing service (which checks the rules)."""
    from relationships.services import mentorship_create

    EnrolmentFactory(
        cohort=cohort,
        person=mentor,
        role=Enrolment.Role.MENTOR,
        status=Enrolment.Status.APPROVED,
        capacity=len(mentees),
    )
    for mentee in mentees:
        enrol_person(cohort, mentee, Enrolment.Role.MENTEE)
    return mentorship_create(cohort=cohort, mentor=mentor, mentees=list(mentees), **fields)


def person_from_email(email: str, *, manager: Person | None = None, **fields) -> Person:
    """A person named after their address (ann@example.org is Ann Test); no password."""
    user = UserFactory(email=email, first_name=email.split("@")[0].title(), last_name="Test")
    return PersonFactory(user=user, manager=manager, **fields)


def enrol_person(
    cohort: Cohort,
    person: Person,
    role: str,
    *,
    status: str = Enrolment.Status.APPROVED,
    **fields,
) -> Enrolment:
    """`person` in `cohort` as `role`, approved unless `status` says otherwise."""
    return Enrolment.objects.create(
        cohort=cohort, person=person, role=role, status=status, **fields
    )


def create_user(password: str = PASSWORD, **kwargs):
    """A user who can sign in with `password`, their email address verified."""
    user = UserFactory(**kwargs)
    user.set_password(password)
    user.save()
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user
