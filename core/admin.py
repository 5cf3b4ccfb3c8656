"""The base of every ModelAdmin in the project: URL lookups only through the declared filters.

Django lets a changelist URL filter on any field of the model (`?message__regex=^a` answers one
row or none), so a field the admin deliberately hides (a request's message, a close comment, a
meeting agenda) could be read back a character at a time. Here a URL may only use what the admin
declares: its `list_filter` (the parameters those filters send), its `date_hierarchy`, and the
`limit_choices_to` of the raw-id pop-ups Django itself opens; searching goes through `?q=` and
`search_fields`. Anything else is refused (Django answers 400).
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin import widgets
from django.contrib.admin.filters import SimpleListFilter
from django.db.models.constants import LOOKUP_SEP

# What Django's field list filters send after the field's path (RelatedFieldListFilter sends
# `<path>__<target field>__exact`, with the pk as the target here).
FILTER_SUFFIXES = frozenset(
    {"exact", "isnull", "isempty", "in", "gte", "gt", "lt", "lte", "id__exact", "pk__exact"}
)
DATE_HIERARCHY_SUFFIXES = ("year", "month", "day")


class DeclaredLookupsOnly:
    """For any ModelAdmin (Django's own UserAdmin included): see the module docstring."""

    def lookup_allowed(self, lookup: str, value: str, request=None) -> bool:
        if lookup in self._declared_parameters(request):
            return True
        paths = self._declared_paths(request)
        if lookup in paths:
            return True
        path, _, suffix = lookup.partition(LOOKUP_SEP)
        while suffix:
            if path in paths and suffix in FILTER_SUFFIXES:
                return True
            head, _, suffix = suffix.partition(LOOKUP_SEP)
            path = f"{path}{LOOKUP_SEP}{head}"
        return self._raw_id_popup_lookup(lookup, value)

    def _declared_paths(self, request) -> set[str]:
        paths = set()
        for item in self.get_list_filter(request) if request is not None else self.list_filter:
            if isinstance(item, list | tuple):
                item = item[0]
            if isinstance(item, str):
                paths.add(item)
        return paths

    def _declared_parameters(self, request) -> set[str]:
        parameters = {
            f"{self.date_hierarchy}{LOOKUP_SEP}{part}"
            for part in DATE_HIERARCHY_SUFFIXES
            if self.date_hierarchy
        }
        for item in self.get_list_filter(request) if request is not None else self.list_filter:
            if isinstance(item, type) and issubclass(item, SimpleListFilter):
                parameters.add(item.parameter_name)
        return parameters

    def _raw_id_popup_lookup(self, lookup: str, value: str) -> bool:
        """A ForeignKeyRawIdWidget pop-up filters by its field's `limit_choices_to`."""
        for fk_lookup in self.model._meta.related_fkey_lookups:
            if callable(fk_lookup):
                fk_lookup = fk_lookup()
            if (lookup, value) in widgets.url_params_from_lookup_dict(fk_lookup).items():
                return True
        return False


class ModelAdmin(DeclaredLookupsOnly, admin.ModelAdmin):
    """Every project ModelAdmin derives from this (tests/test_admin_lookups.py checks it)."""
