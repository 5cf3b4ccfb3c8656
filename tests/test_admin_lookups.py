"""The admin's changelists filter only through what each admin declares (core.admin).

`?message__regex=^a` answered one row or none, so a field the admin hides could be read back a
character at a time. Every registered ModelAdmin of the project is probed here, on each of its
model's text fields and on the text fields one foreign key away; the declared filters, the date
drill-down and the search box still answer.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets, get_fields_from_path
from django.db import models
from django.test import RequestFactory
from django.urls import reverse

from core.admin import DeclaredLookupsOnly

PROBES = ("regex", "contains", "startswith")


def project_admins() -> list[tuple[type[models.Model], admin.ModelAdmin]]:
    root = Path(settings.BASE_DIR).resolve()
    ours = {
        config.label
        for config in apps.get_app_configs()
        if Path(config.path).resolve().is_relative_to(root)
        and ".venv" not in Path(config.path).resolve().relative_to(root).parts
    }
    return [(m, a) for m, a in admin.site._registry.items() if m._meta.app_label in ours]


def text_fields(model: type[models.Model]) -> list[str]:
    return [
        f.name
        for f in model._meta.get_fields()
        if isinstance(f, models.CharField | models.TextField) and f.concrete
    ]


def probes(model: type[models.Model]) -> list[str]:
    local = [f"{name}__{lookup}" for name in text_fields(model) for lookup in PROBES]
    related = [
        f"{f.name}__{name}__regex"
        for f in model._meta.get_fields()
        if f.concrete and f.is_relation and f.related_model is not None
        for name in text_fields(f.related_model)
    ]
    return local + related


def changelist(model: type[models.Model]) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def refused(response) -> bool:
    """Django's two answers to a lookup it will not run: 400, or back to the list with ?e=1."""
    if response.status_code == 400:
        return True
    return response.status_code == 302 and response["Location"].endswith("?e=1")


ADMINS = project_admins()
IDS = [f"{m._meta.app_label}.{m._meta.model_name}" for m, _ in ADMINS]


def test_every_project_admin_uses_the_base():
    assert len(ADMINS) >= 15
    for model, model_admin in ADMINS:
        assert isinstance(model_admin, DeclaredLookupsOnly), model


@pytest.mark.parametrize(("model", "model_admin"), ADMINS, ids=IDS)
def test_text_fields_cannot_be_probed_through_the_url(client, site_admin, model, model_admin):
    client.force_login(site_admin)
    url = changelist(model)
    assert client.get(url).status_code == 200
    leaks = [lookup for lookup in probes(model) if not refused(client.get(url, {lookup: "^a"}))]
    assert leaks == []


def filter_parameter(model: type[models.Model], path: str) -> tuple[str, str]:
    field = get_fields_from_path(model, path)[-1]
    if field.is_relation:
        return f"{path}__id__exact", "1"
    if isinstance(field, models.BooleanField):
        return f"{path}__exact", "1"
    if field.choices:
        return f"{path}__exact", str(field.choices[0][0])
    if isinstance(field, models.DateField):
        return f"{path}__gte", "2027-01-01"
    return f"{path}__exact", "1"


@pytest.mark.parametrize(("model", "model_admin"), ADMINS, ids=IDS)
def test_declared_filters_still_work(client, site_admin, model, model_admin):
    client.force_login(site_admin)
    url = changelist(model)
    for item in model_admin.list_filter:
        path = item[0] if isinstance(item, list | tuple) else item
        if isinstance(path, str):
            key, value = filter_parameter(model, path)
            response = client.get(url, {key: value})
            assert response.status_code == 200, (key, response.status_code)
        else:
            response = client.get(url, {path.parameter_name: "x"})
            assert response.status_code == 200, path
    if model_admin.date_hierarchy:
        key = f"{model_admin.date_hierarchy}__year"
        assert client.get(url, {key: "2027", f"{key[:-4]}month": "6"}).status_code == 200
    if model_admin.search_fields:
        assert client.get(url, {"q": "someone"}).status_code == 200


def shown_fields(model: type[models.Model], request) -> set[str] | None:
    """The fields an admin shows on its change page; None when the model has no admin."""
    model_admin = admin.site._registry.get(model)
    if model_admin is None:
        return None
    if model_admin.fieldsets:
        names = set(flatten_fieldsets(model_admin.fieldsets))
    elif model_admin.fields:
        names = set(model_admin.fields)
    else:
        names = {f.name for f in model._meta.get_fields() if f.concrete}
    return names - set(model_admin.get_exclude(request) or ())


@pytest.mark.parametrize(("model", "model_admin"), ADMINS, ids=IDS)
def test_search_covers_shown_fields_only(model, model_admin, site_admin):
    request = RequestFactory().get("/")
    request.user = site_admin
    for path in model_admin.get_search_fields(request):
        fields = get_fields_from_path(model, path.lstrip("^=@"))
        target, owner = fields[-1], fields[-1].model
        shown = shown_fields(owner, request)
        assert shown is not None and target.name in shown, (path, owner)
