from __future__ import annotations

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from profiles.models import Person

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
        model = "programs.Program"
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Program {n}")
    slug = factory.Sequence(lambda n: f"program-{n}")


class CohortFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "programs.Cohort"
        django_get_or_create = ("slug",)

    program = factory.SubFactory(ProgramFactory)
    name = factory.Sequence(lambda n: f"Cohort {n}")
    slug = factory.Sequence(lambda n: f"cohort-{n}")
    status = "enrolling"


class EnrolmentQuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "programs.EnrolmentQuestion"

    program = factory.SubFactory(ProgramFactory)
    slug = factory.Sequence(lambda n: f"question_{n}")
    text = factory.Sequence(lambda n: f"Question {n}?")
    kind = "text"
    position = factory.Sequence(lambda n: n)


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "programs.Enrolment"

    cohort = factory.SubFactory(CohortFactory)
    person = factory.SubFactory(PersonFactory)
    role = "mentee"
    status = "invited"


def paired(*, cohort, mentor, mentees, **fields):
    """A mentorship the way the product makes one: both sides approved in the cohort first,
    then the one pairing service (which checks the rules)."""
    from relationships.services import mentorship_create

    EnrolmentFactory(
        cohort=cohort, person=mentor, role="mentor", status="approved", capacity=len(mentees)
    )
    for mentee in mentees:
        EnrolmentFactory(cohort=cohort, person=mentee, role="mentee", status="approved")
    return mentorship_create(cohort=cohort, mentor=mentor, mentees=list(mentees), **fields)


def create_user(password: str = PASSWORD, **kwargs):
    """A user who can sign in with `password`, their email address verified."""
    user = UserFactory(**kwargs)
    user.set_password(password)
    user.save()
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user
