"""The data version as pages read it: a number any write to the data they show raises
(reports.versioning keeps it; the reports app registers its reader here, as core is the bottom
layer and imports no app), read once a request, and the per-process cache of what is filed
under it (core/fragments.py, core/roles.py)."""

from __future__ import annotations

from collections.abc import Callable

from django.core.cache import caches
from django.http import HttpRequest

# Each returns the version, or None when nothing may be cached (no triggers: SQLite; or the
# transaction wrote).
version_sources: list[Callable[[], str | None]] = []

CACHE_ALIAS = "fragments"
CACHEABLE_METHODS = ("GET",)  # a HEAD answer may differ (the pair page opens forms on GET)


def fragment_cache():
    return caches[CACHE_ALIAS]


def data_version(request: HttpRequest) -> str | None:
    """The data version for this request, read once; None (cache nothing) but for GET.

    Read before the page reads its data (core.middleware.DataVersionMiddleware): a part is
    never filed under a version newer than the data it shows."""
    if not hasattr(request, "_data_version"):
        version = None
        if request.method in CACHEABLE_METHODS and version_sources:
            version = version_sources[0]()
        request._data_version = version
    return request._data_version


def forget_cached_parts(**kwargs) -> None:
    fragment_cache().clear()
