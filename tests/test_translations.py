"""Every shipped language is complete: each string marked in the code and templates has a
translation that is neither missing nor fuzzy, and the catalogues are up to date with the
source (a newly marked string that nobody added to the .po files fails here too)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation

from core.management.commands.update_translations import shipped_languages

LOCALE = Path(settings.LOCALE_PATHS[0])


def catalogue(code: str) -> Path:
    return LOCALE / code / "LC_MESSAGES" / "django.po"


def problems(po: polib.POFile) -> list[str]:
    return [f"untranslated: {e.msgid!r}" for e in po.untranslated_entries()] + [
        f"fuzzy: {e.msgid!r}" for e in po.fuzzy_entries()
    ]


@pytest.mark.parametrize("code", shipped_languages())
def test_a_shipped_language_has_no_untranslated_or_fuzzy_string(code):
    found = problems(polib.pofile(str(catalogue(code))))
    assert found == [], f"{code}: {len(found)} strings to translate, e.g. {found[:10]}"


@pytest.mark.skipif(not shutil.which("xgettext"), reason="GNU gettext is not installed")
def test_the_catalogues_hold_every_marked_string(tmp_path):
    """Runs the update the Makefile's `make messages` runs, on the real files, and puts them
    back: anything it would add is a string marked without a translation."""
    saved = {code: catalogue(code).read_bytes() for code in shipped_languages()}
    try:
        call_command("update_translations", verbosity=0)
        updated = {code: polib.pofile(str(catalogue(code))) for code in shipped_languages()}
    finally:
        for code, content in saved.items():
            catalogue(code).write_bytes(content)
    for code, po in updated.items():
        before = {e.msgid for e in polib.pofile(saved[code].decode())}
        new = sorted({e.msgid for e in po} - before)
        assert new == [], f"{code}: marked but not in the catalogue (run make messages): {new[:10]}"


@pytest.mark.parametrize("code", shipped_languages())
def test_the_compiled_catalogue_is_the_one_django_reads(code):
    """`make install` compiles the .po files; a page in this language shows the translation."""
    po = polib.pofile(str(catalogue(code)))
    entry = next(e for e in po.translated_entries() if e.msgid == "Skip to content")
    with translation.override(code):
        assert translation.gettext("Skip to content") == entry.msgstr


# --- Nothing a person reads is left unmarked in a template --------------------------------------

TEMPLATES = Path(settings.BASE_DIR) / "templates"
# Django's own admin pages and Swagger's page are translated (or not) by their projects.
NOT_OURS = {"admin/base_site.html", "admin/widgets/split_datetime.html", "api/docs.html"}
# Blocks whose content is not shown as it stands (a translated block, a comment) or is a CSS
# class or layout word rather than text.
SKIPPED = re.compile(
    r"{%\s*(comment|blocktranslate|blocktrans|verbatim)\b.*?{%\s*end\1\s*%}"
    r"|{%\s*block\s+(?:main_class|body_class)\s*%}.*?{%\s*endblock\b.*?%}"
    r"|{#.*?#}",
    flags=re.S,
)
TEMPLATE_CODE = re.compile(r"{%.*?%}|{{.*?}}", flags=re.S)
READ_ATTRIBUTES = re.compile(r'\b(?:title|placeholder|aria-label|alt)="([^"]*[A-Za-z]{2}[^"]*)"')
WORDS = re.compile(r"[A-Za-z]{2,}")


def unmarked_text(source: str) -> list[str]:
    """The words of a template that a reader sees and no translate tag covers."""
    text = TEMPLATE_CODE.sub("\x00", SKIPPED.sub(" ", source))
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.S | re.I)
    found = READ_ATTRIBUTES.findall(text)
    text = re.sub(r"<!--.*?-->|<[^>]*>|&\w+;", " ", text, flags=re.S)
    found += [part.strip() for part in re.split(r"[\n\x00]", text) if WORDS.search(part)]
    return found


def test_every_template_marks_the_text_it_shows():
    unmarked = {}
    for path in sorted(TEMPLATES.rglob("*.html")):
        name = path.relative_to(TEMPLATES).as_posix()
        if name not in NOT_OURS and (text := unmarked_text(path.read_text())):
            unmarked[name] = text
    assert unmarked == {}, f"text outside translate tags: {unmarked}"


def test_the_template_check_finds_text_outside_translate_tags():
    source = (
        '{% load i18n %}{% block main_class %}narrow{% endblock %}<p title="Hello there">'
        '{% translate "Marked" %}</p>{% blocktranslate %}Also {{ x }} marked{% endblocktranslate %}'
        "<script>let words = 'not text';</script>{# note #}<b>Plain words</b> &amp; {{ value }}"
    )
    assert unmarked_text(source) == ["Hello there", "Plain words"]
