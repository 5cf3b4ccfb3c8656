"""Creates the provider's people and the site's client from JSON on standard input."""

from __future__ import annotations

import json
import sys

import django

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from oauth2_provider.models import Application  # noqa: E402

data = json.load(sys.stdin)
for person in data["people"]:
    User.objects.create_user(
        username=person["username"],
        email=person["email"],
        password=person["password"],
        first_name=person.get("first_name", ""),
        last_name=person.get("last_name", ""),
    )
Application.objects.create(
    name="Mentoring",
    client_id=data["client_id"],
    client_secret=data["client_secret"],
    client_type=Application.CLIENT_CONFIDENTIAL,
    authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
    redirect_uris=" ".join(data["redirect_uris"]),
    algorithm=Application.RS256_ALGORITHM,
    skip_authorization=False,
)
