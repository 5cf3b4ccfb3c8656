"""The project's URLs plus the benchmark's yardstick: a bare page that renders 50 ORM rows
through a plain template, with none of the product's layout, forms or permission checks.

Used only by benchmarks/pages.py (through benchmarks/pages_settings.py)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import path

from mentoring.urls import handler404
from mentoring.urls import urlpatterns as project_urlpatterns
from profiles.models import Person

BARE_TEMPLATE = engines["django"].from_string(
    '<!doctype html><html lang="en"><head><title>Bare page</title></head><body>'
    "<h1>People</h1><ul>{% for person in people %}"
    "<li>{{ person.user.email }}: {{ person.department }}, seniority {{ person.seniority }}</li>"
    "{% endfor %}</ul></body></html>"
)


def bare_page(request: HttpRequest) -> HttpResponse:
    people = Person.objects.select_related("user").order_by("pk")[:50]
    return HttpResponse(BARE_TEMPLATE.render({"people": people}, request))


urlpatterns = [path("benchmark/bare/", bare_page, name="benchmark_bare"), *project_urlpatterns]

__all__ = ["handler404", "urlpatterns"]
