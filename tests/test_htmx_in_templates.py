"""htmx attributes are markup: they live in templates, next to the element they act on, never in
Python (a form helper's attrs, a widget's attrs, a string built in a view)."""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
NOT_SOURCE = {"tests", "node_modules", "static", "templates", "var"}


def python_sources() -> list[Path]:
    found = []
    for folder, subfolders, files in os.walk(ROOT):
        subfolders[:] = [d for d in subfolders if d not in NOT_SOURCE and not d.startswith(".")]
        found += [Path(folder) / name for name in files if name.endswith(".py")]
    return found


def test_python_sources_are_found():
    names = {path.relative_to(ROOT).as_posix() for path in python_sources()}
    assert {"manage.py", "relationships/pair.py", "sessions/forms.py"} <= names


def test_no_python_source_writes_an_htmx_attribute():
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in python_sources()
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if "hx-" in line
    ]
    assert offenders == [], "htmx attributes belong in templates"
