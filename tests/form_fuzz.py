"""The form fuzz matrix: every field of every POST form gets hostile values, one at a time.

The forms are found the way the round-trip matrix finds its pages (tests/round_trips.py): each
page of the permission matrix opened by every role that may open it. The fields, their current
values and where the form posts come from the rendered page, as a browser would send them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin

# "name" -> the submitted value(s). A list for a field sent more than once (checkboxes).
Data = dict[str, list[str]]

NOT_TYPED = {"submit", "button", "reset", "image", "file"}


@dataclass
class HtmlForm:
    action: str
    data: Data = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)  # name -> input type, "textarea", "select"
    button: tuple[str, str] | None = None  # the first named submit button

    def post_data(self) -> Data:
        data = {name: list(values) for name, values in self.data.items()}
        if self.button is not None:
            data.setdefault(self.button[0], []).append(self.button[1])
        return data


class _FormParser(HTMLParser):
    def __init__(self, url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.url = url
        self.forms: list[HtmlForm] = []
        self._form: HtmlForm | None = None
        self._textarea: str | None = None
        self._select: str | None = None
        self._first_option: str | None = None
        self._option: str | None = None
        self._option_text = ""
        self._option_selected = self._multiple = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "form":
            if a.get("method", "get").lower() == "post":
                self._form = HtmlForm(action=urljoin(self.url, a.get("action") or self.url))
            return
        form = self._form
        if form is None or "disabled" in a:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in ("submit", "image"):
                form.button = form.button or (name, a.get("value", ""))
            elif kind in ("checkbox", "radio"):
                form.kinds[name] = kind
                form.data.setdefault(name, [])
                if "checked" in a:
                    form.data[name].append(a.get("value", "on"))
            elif kind not in NOT_TYPED:
                form.kinds[name] = kind
                form.data.setdefault(name, []).append(a.get("value", ""))
        elif tag == "button" and name and a.get("type", "submit").lower() == "submit":
            form.button = form.button or (name, a.get("value", ""))
        elif tag == "textarea" and name:
            form.kinds[name] = "textarea"
            self._textarea = name
            form.data.setdefault(name, []).append("")
        elif tag == "select" and name:
            form.kinds[name] = "select"
            form.data.setdefault(name, [])
            self._select, self._first_option = name, None
            self._multiple = "multiple" in a
        elif tag == "option" and self._select:
            self._option = a.get("value")
            self._option_text = ""
            self._option_selected = "selected" in a

    def handle_data(self, data: str) -> None:
        if self._form is not None and self._textarea is not None:
            self._form.data[self._textarea][-1] += data
        if self._select and self._option is None:
            self._option_text += data

    def handle_endtag(self, tag: str) -> None:
        form = self._form
        if form is None:
            return
        if tag == "form":
            self.forms.append(form)
            self._form = None
        elif tag == "textarea":
            if self._textarea is not None:
                value = form.data[self._textarea][-1]
                # The parser keeps the line break HTML drops after <textarea>.
                form.data[self._textarea][-1] = value.removeprefix("\n")
            self._textarea = None
        elif tag == "option" and self._select:
            value = self._option if self._option is not None else self._option_text.strip()
            if self._first_option is None:
                self._first_option = value
            if self._option_selected:
                form.data[self._select].append(value)
            self._option = None
        elif tag == "select" and self._select:
            # A browser sends the first option of a single select when none is marked.
            if not (form.data[self._select] or self._multiple) and self._first_option is not None:
                form.data[self._select].append(self._first_option)
            self._select = None


def post_forms(html: str, url: str) -> list[HtmlForm]:
    """The POST forms of a page, filled as the page shows them."""
    parser = _FormParser(url)
    parser.feed(html)
    return parser.forms


HUGE = "x" * 100_000
EVERY_FIELD = ("", HUGE, "nul\x00byte")
TEXT = ("\u202eright-to-left \u05e9\u05dc\u05d5\u05dd 🙂👩🏽‍💻", "<script>alert(1)</script>")
NUMBERS = ("-1", "0", str(10**20), "1e309", "NaN")
DATES = ("0001-01-01", "9999-12-31T23:59")

# What each kind of field gets besides EVERY_FIELD (sampled by type to keep the matrix fast): a
# browser sends text where it shows text, but a hand-made request can send anything, so fields
# whose type the page does not tell (hidden, choices) get numbers, dates and markup too.
BY_KIND = {
    "number": NUMBERS,
    "range": NUMBERS,
    "date": DATES,
    "datetime-local": DATES,
    "time": DATES,
    "text": TEXT,
    "textarea": TEXT,
    "email": TEXT,
    "url": TEXT,
    "password": TEXT,
    "search": TEXT,
    "tel": TEXT,
}


def payloads(kind: str) -> tuple[str, ...]:
    if kind == "checkbox":  # any value but none means ticked
        return EVERY_FIELD
    return EVERY_FIELD + BY_KIND.get(kind, TEXT[1:] + NUMBERS + DATES)


def label(value: str) -> str:
    return repr(value if len(value) < 40 else f"{value[:10]}...({len(value)} chars)")
