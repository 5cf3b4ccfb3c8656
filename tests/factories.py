from __future__ import annotations

import factory
from django.contrib.auth import get_user_model

from profiles.models import Person


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
