"""The participant import: one CSV row per person, into the directory and a cohort.

Every row is checked before anything is written, so the coordinator sees all the problems at
once; then everything is written in one transaction with bulk queries (a fixed number of
queries per batch of rows, whatever the file's size), or nothing is. The browser's preview is
the same call with `dry_run=True`, so what the preview promises is what the import does.

A blank cell keeps what is stored (HR exports leave cells empty for "unknown", and that must
never erase what a person wrote in their profile); the reserved value `-` clears an optional
value on purpose.

The directory record (name, department, manager, time zone, …) is the organisation's, not one
program's: a coordinator's import enrols people already known, but changes the record only of
people who take part in that coordinator's programs alone and have no rights of their own. The
HR import on the command line and people who may manage the directory write every record.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import difflib
import io
import zoneinfo
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from functools import cache, cached_property
from itertools import chain, islice
from typing import cast

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, validate_email
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from audit import services as audit
from core.dateranges import calendar_date_error
from jobs.models import Job
from jobs.progress import NO_PROGRESS, Progress
from jobs.services import job_start
from profiles.access import can_manage_directory
from profiles.languages import ISO_639_1
from profiles.models import Person
from profiles.services import (
    PERSON_FIELDS,
    USER_FIELDS,
    DirectoryEntry,
    FieldChange,
    PersonChange,
    directory_plan,
    directory_upsert,
)
from programs.access import programs_coordinated_by
from programs.events import enrolments_created
from programs.models import Cohort, Enrolment, EnrolmentQuestion, ParticipantImport

MAX_BYTES = 10 * 1024 * 1024
BATCH_SIZE = 1000

REQUIRED_COLUMNS = ("email", "first_name", "last_name")
OPTIONAL_COLUMNS = (
    "role",
    "department",
    "job_title",
    "seniority",
    "manager_email",
    "expertise",
    "interests",
    "languages",
    "timezone",
    "location",
    "capacity",
    "bio",
    "grade",
    "left_on",
)
STANDARD_COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
# The cell value that clears an optional value; a blank cell keeps what is stored.
CLEAR = "-"
ROLES = tuple(Enrolment.Role.values)
ACTIONS = ("create", "update", "unchanged", "error")
ENROLMENT_FIELDS = ("role", "expertise", "interests", "capacity", "answers")
# The preview lists at most this many rows (those with errors first, then those that change
# something) and counts the rest: a page for people to read, whatever the file's size.
PREVIEW_ROWS = 200
# The columns that fill a person's directory record: everything but the key and the enrolment.
DIRECTORY_COLUMNS = tuple(f.name for f in fields(DirectoryEntry) if f.name != "email")


@dataclass(frozen=True)
class CellError:
    column: str  # "" for a problem with the row as a whole
    message: str


@dataclass
class RowReport:
    line: int  # in the file, the header being line 1
    email: str
    action: str = "error"  # "create" | "update" | "unchanged" | "error"
    errors: list[CellError] = field(default_factory=list)
    role: str = ""  # the role after the import; "" = a directory entry only, not enrolled
    # What the row changes for someone already known, each value as before → after.
    changes: list[FieldChange] = field(default_factory=list)
    # What happens to the enrolment in this cohort: "create", "update", "unchanged", or ""
    # for a directory entry only.
    enrolment: str = ""
    # The directory columns whose new values were not written: the person is not the
    # importing coordinator's to change.
    kept: list[str] = field(default_factory=list)

    @property
    def kept_message(self) -> str:
        return _(
            "Directory data kept (%(columns)s): you may not change people outside your programs."
        ) % {"columns": ", ".join(self.kept)}


@dataclass
class ImportReport:
    rows: list[RowReport] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.file_errors and not any(row.errors for row in self.rows)

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(ACTIONS, 0)
        for row in self.rows:
            counts[row.action] += 1
        return counts

    @cached_property
    def preview_rows(self) -> list[RowReport]:
        """The rows worth reading, errors first, each group in file order; at most
        PREVIEW_ROWS. Unchanged rows are only counted."""
        errors = (row for row in self.rows if row.errors)
        changes = (
            row for row in self.rows if not row.errors and (row.action != "unchanged" or row.kept)
        )
        return list(islice(chain(errors, changes), PREVIEW_ROWS))

    @property
    def unlisted(self) -> int:
        """Rows the preview does not list."""
        return len(self.rows) - len(self.preview_rows)

    @property
    def kept_count(self) -> int:
        """People whose directory data the file would have changed, but was kept."""
        return sum(bool(row.kept) for row in self.rows)

    @property
    def new_enrolments(self) -> int:
        """People added to the cohort by this file, whether they are new or already known."""
        return sum(row.enrolment == "create" for row in self.rows)

    @property
    def summary(self) -> str:
        counts = self.counts
        text = (
            _(
                "%(create)s created, %(update)s updated, %(unchanged)s unchanged, "
                "%(error)s with errors."
            )
            % counts
        )
        added = self.new_enrolments
        if added:
            text += " " + ngettext(
                "%(count)s added to the cohort.", "%(count)s added to the cohort.", added
            ) % {"count": added}
        kept = self.kept_count
        if kept:
            text += " " + ngettext(
                "%(count)s person outside your programs kept their directory data.",
                "%(count)s people outside your programs kept their directory data.",
                kept,
            ) % {"count": kept}
        return text

    @property
    def error_count(self) -> int:
        """Every problem found: file errors plus cell errors (a row can have several)."""
        return len(self.file_errors) + sum(len(row.errors) for row in self.rows)


@dataclass
class _Row:
    report: RowReport
    # Parsed values of the filled cells; an absent column or a blank cell keeps what is stored.
    values: dict[str, object]
    answers: dict[str, object]  # by question slug; None clears the stored answer
    blank: set[str] = field(default_factory=set)  # the columns whose cell is blank
    # The file's directory values, taken out of `values` because the importer may not write
    # them; None when they may.
    withheld: dict[str, object] | None = None


JOB_IMPORT = "programs.import"


def participant_import_start(*, pending: ParticipantImport, by) -> Job:
    """Confirm an upload on a worker (programs.jobs does the work). One import per cohort at a
    time: the import locks the cohort anyway, and a second would only wait behind it."""
    cohort = pending.cohort
    return job_start(
        kind=JOB_IMPORT,
        title=_("Importing %(filename)s into %(cohort)s")
        % {"filename": pending.filename, "cohort": cohort.name},
        target_id=pending.pk,
        created_by=by,
        lock_key=f"import:cohort:{cohort.pk}",
        back_url=cohort.get_absolute_url(),
    )


def cohort_import_participants(
    *,
    cohort: Cohort,
    data: bytes,
    by,
    dry_run: bool = False,
    pending: ParticipantImport | None = None,
    progress: Progress = NO_PROGRESS,
) -> ImportReport:
    """Validate the whole file, then (unless it is a dry run) write all of it or nothing.

    `by` is the coordinator importing in the browser, whose import changes the directory
    record only of people in their own programs alone; None is the HR import on the command
    line, which writes every record. `pending`, the upload being confirmed, is deleted in the
    transaction that writes the file."""
    report = ImportReport()
    progress(0, 2, _("Reading the file"))
    table = _read_table(data, report.file_errors)
    if table is None:
        return report
    header, lines = table
    return _import_table(
        report,
        cohort,
        header,
        lines,
        by=by,
        dry_run=dry_run,
        pending=pending,
        progress=progress,
    )


def cohort_import_records(
    *, cohort: Cohort, records: Sequence[Mapping[str, str]], by, dry_run: bool = False
) -> ImportReport:
    """The same import from records instead of a file (the API's bulk upsert): each record
    maps column names to cells as the CSV would hold them, and a column a record leaves out
    is a blank cell. A row's `line` is then the record's position, from 1."""
    report = ImportReport()
    if not records:
        report.file_errors.append(_("There are no rows of people."))
        return report
    header = list(dict.fromkeys(name for record in records for name in record))
    lines = [
        (position, [record.get(name, "") for name in header])
        for position, record in enumerate(records, start=1)
    ]
    return _import_table(report, cohort, header, lines, by=by, dry_run=dry_run)


def _import_table(
    report: ImportReport,
    cohort: Cohort,
    header: list[str],
    lines: list[tuple[int, list[str]]],
    *,
    by,
    dry_run: bool,
    pending: ParticipantImport | None = None,
    progress: Progress = NO_PROGRESS,
) -> ImportReport:
    # A question whose slug is a standard column cannot be told apart from it; the standard
    # column wins, and the question is answered in the browser instead.
    questions = {
        q.slug.lower(): q
        for q in cohort.program.questions.all()
        if q.slug.lower() not in STANDARD_COLUMNS
    }
    columns = _check_header(header, questions, report.file_errors)
    if columns is None:
        return report

    rows = [_parse_row(line, cells, columns, questions) for line, cells in lines]
    report.rows = [row.report for row in rows]
    unique = _unique_rows(rows)
    progress(
        1,
        2,
        ngettext(
            "Checking and writing %(count)s row", "Checking and writing %(count)s rows", len(rows)
        )
        % {"count": len(rows)},
    )

    writing = not dry_run
    # The checks against the database and the writes share one transaction, so what was
    # checked is what is written. A dry run takes none: on SQLite that would take the write
    # lock for a read.
    with transaction.atomic() if writing else contextlib.nullcontext():
        if writing:
            # Two imports into one cohort at once would race on the enrolments; queue them.
            list(Cohort.objects.select_for_update().filter(pk=cohort.pk).values_list("pk"))
        directory = dict(Person.objects.values_list("user__email", "manager__user__email"))
        for email in _not_theirs(by, list(unique)):
            row = unique[email]
            row.withheld = {n: row.values.pop(n) for n in DIRECTORY_COLUMNS if n in row.values}
        _check_managers(unique, directory)
        plan = _plan(cohort, unique, directory, questions)
        if writing and report.ok:
            progress.applying()
            people = _apply(plan)
            enrolments_created(cohort=cohort, enrolments=plan.new_enrolments)
            if pending is not None:
                pending.delete()
            report.applied = True
            audit.record(
                audit.Action.IMPORT_CONFIRMED,
                actor=by,
                obj=cohort,
                detail={"rows": len(plan.rows)},
            )
        else:
            people = directory_plan(entries=plan.entries)
            # Someone who signed up by themselves gets their directory entry created.
            people |= dict.fromkeys(plan.orphans, PersonChange("create"))
    for email, row in plan.rows.items():
        person, enrolment = people[email], row.report.enrolment
        row.report.changes = [*person.changes, *row.report.changes]
        # The row's action is about the person: someone already known is never "created",
        # even when this file is what first adds them to the cohort.
        if person.outcome == "create":
            row.report.action = "create"
        elif person.outcome == "update" or enrolment in ("create", "update"):
            row.report.action = "update"
        else:
            row.report.action = "unchanged"
    return report


# --- Reading the file ------------------------------------------------------------------------


def _read_table(
    data: bytes, errors: list[str]
) -> tuple[list[str], list[tuple[int, list[str]]]] | None:
    # The size is checked before decoding: decoding a huge upload is the cost to avoid.
    if len(data) > MAX_BYTES:
        errors.append(
            _("The file is larger than %(size)s MB; split it.")
            % {"size": MAX_BYTES // (1024 * 1024)}
        )
        return None
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        errors.append(
            _(
                "This is an Excel workbook, not a CSV file: save it as “CSV UTF-8 (comma "
                "delimited)” and upload that."
            )
        )
        return None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        errors.append(_("The file is UTF-16 text: save it as “CSV UTF-8” and upload that."))
        return None
    if b"\x00" in data:
        errors.append(_("This is not a text CSV file (it contains binary data)."))
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        errors.append(
            _(
                "The file is not UTF-8 text (line %(line)s has a byte that UTF-8 does not "
                "allow): save it as “CSV UTF-8” and upload that."
            )
            % {"line": line}
        )
        return None
    if not text.strip():
        errors.append(_("The file is empty."))
        return None

    # newline="" lets the csv module see line breaks inside quoted cells (a multi-line bio).
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    lines: list[tuple[int, list[str]]] = []
    last = 0
    try:
        for cells in reader:
            # A record can span lines; report the line it starts on.
            line, last = last + 1, reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if header is None:
                header = cells
            else:
                lines.append((line, cells))
    except csv.Error as exc:
        errors.append(
            _("Line %(line)s cannot be read as CSV: %(error)s.")
            % {"line": reader.line_num, "error": exc}
        )
        return None
    if header is None:
        errors.append(_("The file is empty."))
        return None
    if not lines:
        errors.append(_("The file has a header but no rows of people."))
        return None
    return header, lines


def _check_header(
    header: list[str], questions: Mapping[str, EnrolmentQuestion], errors: list[str]
) -> list[str] | None:
    """The normalised column names, or None when the rows cannot be read at all."""
    names = [name.strip().lower() for name in header]
    if len(names) == 1 and (";" in names[0] or "\t" in names[0]):
        errors.append(
            _(
                "The columns are separated by semicolons or tabs; save the file as “CSV UTF-8 "
                "(comma delimited)”."
            )
        )
        return None
    fatal = False
    for position, name in enumerate(names, start=1):
        if not name:
            errors.append(
                _("Column %(position)s has no name in the header.") % {"position": position}
            )
            fatal = True
    for name, count in Counter(names).items():
        if name and count > 1:
            errors.append(
                _("The column “%(name)s” appears %(count)s times in the header.")
                % {"name": name, "count": count}
            )
            fatal = True
    missing = [name for name in REQUIRED_COLUMNS if name not in names]
    if missing:
        errors.append(_("Required column missing: %(columns)s.") % {"columns": ", ".join(missing)})
        fatal = True
    known = [*STANDARD_COLUMNS, *questions]
    for name in names:
        if name and name not in known:
            # Not fatal: the rows are still checked, so one upload shows every problem.
            close = difflib.get_close_matches(name, known, n=1)
            standard = ", ".join(STANDARD_COLUMNS)
            if questions:
                expected = _("%(columns)s and this program's questions: %(questions)s") % {
                    "columns": standard,
                    "questions": ", ".join(questions),
                }
            else:
                expected = standard
            if close:
                message = _(
                    "Unknown column “%(name)s”. Did you mean “%(close)s”? The columns are "
                    "%(expected)s."
                ) % {"name": name, "close": close[0], "expected": expected}
            else:
                message = _("Unknown column “%(name)s”. The columns are %(expected)s.") % {
                    "name": name,
                    "expected": expected,
                }
            errors.append(message)
    return None if fatal else names


# --- Checking the cells ----------------------------------------------------------------------


@cache
def _time_zones() -> dict[str, str]:
    # Case-insensitive, so "europe/berlin" is read as Europe/Berlin; computed once because
    # listing the zone database walks the disk.
    return {name.lower(): name for name in zoneinfo.available_timezones()}


@cache
def _max_lengths() -> dict[str, int]:
    User = get_user_model()
    user_columns = ("email", "first_name", "last_name")
    person_columns = ("department", "job_title", "location", "grade")
    lengths = {name: User._meta.get_field(name).max_length for name in user_columns}
    lengths |= {name: Person._meta.get_field(name).max_length for name in person_columns}
    return lengths


@cache
def _max_capacity() -> int:
    validators = Enrolment._meta.get_field("capacity").validators
    return min(v.limit_value for v in validators if isinstance(v, MaxValueValidator))


def _text(column: str) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        limit = _max_lengths().get(column)
        if limit is not None and len(raw) > limit:
            raise ValueError(
                _("Too long: at most %(limit)s characters, not %(length)s.")
                % {"limit": limit, "length": len(raw)}
            )
        return raw

    return parse


def _email(raw: str) -> str:
    address = raw.lower()
    try:
        validate_email(address)
    except ValidationError:
        raise ValueError(_("“%(raw)s” is not a valid email address.") % {"raw": raw}) from None
    if len(address) > _max_lengths()["email"]:
        raise ValueError(
            _("The address is too long: at most %(limit)s.") % {"limit": _max_lengths()["email"]}
        )
    return address


def _manager_email(raw: str) -> str:
    return _email(raw) if raw else ""


def _whole_number(raw: str, low: int, high: int, what: str) -> int:
    try:
        number = int(raw)
    except ValueError:
        raise ValueError(
            _("%(what)s must be a whole number from %(low)s to %(high)s, not “%(raw)s”.")
            % {"what": what, "low": low, "high": high, "raw": raw}
        ) from None
    if not low <= number <= high:
        raise ValueError(
            _("%(what)s must be from %(low)s to %(high)s, not %(number)s.")
            % {"what": what, "low": low, "high": high, "number": number}
        )
    return number


def _seniority(raw: str) -> int | None:
    return _whole_number(raw, 1, 10, _("Seniority")) if raw else None


def _capacity(raw: str) -> int | None:
    # Empty means the program's default, which may change after the import.
    return _whole_number(raw, 1, _max_capacity(), _("Capacity")) if raw else None


def _left_on(raw: str) -> dt.date | None:
    if not raw:
        return None  # cleared on purpose: still in the organisation
    try:
        day = dt.datetime.strptime(raw, "%Y-%m-%d").date()
    except ValueError:
        raise ValueError(
            _("“%(value)s” is not a date: write it as YYYY-MM-DD, e.g. 2027-03-31.")
            % {"value": raw}
        ) from None
    if message := calendar_date_error(day):
        raise ValueError(message)
    return day


def _role(raw: str) -> str:
    role = raw.lower()
    if role and role not in ROLES:
        raise ValueError(
            _(
                "Unknown role “%(raw)s”: use mentor, mentee or both, or leave it empty for a "
                "directory entry that is not enrolled."
            )
            % {"raw": raw}
        )
    return role


def _split(raw: str) -> list[str]:
    return [part.strip() for part in raw.split(";") if part.strip()]


def _tags(raw: str) -> list[str]:
    return list(dict.fromkeys(tag.lower() for tag in _split(raw)))


def _languages(raw: str) -> list[str]:
    codes = _tags(raw)
    unknown = [code for code in codes if code not in ISO_639_1]
    if unknown:
        listed = ", ".join(f"“{code}”" for code in unknown)
        raise ValueError(
            _("Unknown language code %(codes)s: use ISO 639-1 two-letter codes such as en, de.")
            % {"codes": listed}
        )
    return codes


def _timezone(raw: str) -> str:
    if not raw:
        return "UTC"  # cleared on purpose; a blank cell never gets here
    try:
        return _time_zones()[raw.lower()]
    except KeyError:
        raise ValueError(
            _("Unknown time zone “%(raw)s”: use an IANA name such as Europe/Berlin.") % {"raw": raw}
        ) from None


PARSERS: dict[str, Callable[[str], object]] = {
    "email": _email,
    "first_name": _text("first_name"),
    "last_name": _text("last_name"),
    "role": _role,
    "department": _text("department"),
    "job_title": _text("job_title"),
    "seniority": _seniority,
    "manager_email": _manager_email,
    "expertise": _tags,
    "interests": _tags,
    "languages": _languages,
    "timezone": _timezone,
    "location": _text("location"),
    "capacity": _capacity,
    "bio": _text("bio"),
    "grade": _text("grade"),
    "left_on": _left_on,
}


def _answer(question: EnrolmentQuestion, raw: str) -> object:
    """The stored form of an answer (text, a choice, a list of choices or 1 to 5), or None."""
    if not raw:
        return None
    kind = EnrolmentQuestion.Kind
    if question.kind == kind.SCALE:
        return _whole_number(raw, 1, 5, _("The answer"))
    if question.kind == kind.TEXT:
        return raw
    choices = [str(choice) for choice in question.choices]
    by_lower = {choice.lower(): choice for choice in choices}
    picked = [raw] if question.kind == kind.SINGLE else _split(raw)
    wrong = [value for value in picked if value.lower() not in by_lower]
    if wrong:
        listed = ", ".join(f"“{value}”" for value in wrong)
        raise ValueError(
            ngettext(
                "%(listed)s is not one of the choices: %(choices)s.",
                "%(listed)s are not among the choices: %(choices)s.",
                len(wrong),
            )
            % {"listed": listed, "choices": "; ".join(choices)}
        )
    if question.kind == kind.SINGLE:
        return by_lower[raw.lower()]
    # Stored in the question's order, so a re-ordered cell does not count as a change.
    chosen = {by_lower[value.lower()] for value in picked}
    return [choice for choice in choices if choice in chosen]


def _parse_row(
    line: int, cells: list[str], columns: list[str], questions: Mapping[str, EnrolmentQuestion]
) -> _Row:
    report = RowReport(line=line, email="")
    row = _Row(report=report, values={}, answers={})
    if len(cells) > len(columns):
        report.errors.append(
            CellError(
                "",
                _(
                    "The row has %(cells)s cells but the header has %(columns)s columns; "
                    "put a cell that contains a comma in double quotes."
                )
                % {"cells": len(cells), "columns": len(columns)},
            )
        )
    # Spreadsheets drop trailing empty cells, so a short row is read as empty cells.
    raw = {name: (cells[i].strip() if i < len(cells) else "") for i, name in enumerate(columns)}
    report.email = raw["email"].lower()
    for name, value in raw.items():
        if name in REQUIRED_COLUMNS and value in ("", CLEAR):
            report.errors.append(CellError(name, _("A value is required.")))
            continue
        if not value:
            row.blank.add(name)  # kept as stored
            continue
        if value == CLEAR:
            if name == "role":
                report.errors.append(
                    CellError(
                        name,
                        _(
                            "A role cannot be cleared by an import: withdraw the person from "
                            "the cohort instead."
                        ),
                    )
                )
                continue
            value = ""
        try:
            if name in PARSERS:
                row.values[name] = PARSERS[name](value)
            elif name in questions:
                # Stored under the question's own slug; the header was lower-cased.
                row.answers[questions[name].slug] = _answer(questions[name], value)
        except ValueError as exc:
            report.errors.append(CellError(name, str(exc)))
    report.email = str(row.values.get("email", report.email))
    return row


def _unique_rows(rows: Sequence[_Row]) -> dict[str, _Row]:
    """The rows by email, first occurrence only; a later one is marked as a duplicate."""
    first: dict[str, _Row] = {}
    for row in rows:
        email = row.values.get("email")
        if not isinstance(email, str):
            continue
        if email in first:
            row.report.errors.append(
                CellError(
                    "email",
                    _(
                        "%(email)s appears more than once in the file: on lines %(first)s "
                        "and %(line)s."
                    )
                    % {"email": email, "first": first[email].report.line, "line": row.report.line},
                )
            )
        else:
            first[email] = row
    return first


def _not_theirs(by, emails: list[str]) -> set[str]:
    """The people in the file whose directory record `by` may not change: everyone already
    known, except participants of `by`'s programs who are in no other program and have no
    rights of their own (see `User.objects.with_rights`)."""
    if by is None or can_manage_directory(by):
        return set()
    User = get_user_model()
    known = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
    if not known:
        return set()
    own_programs = set(programs_coordinated_by(by).values_list("pk", flat=True))
    programs: dict[str, set[int]] = {email: set() for email in known}
    enrolments = Enrolment.objects.filter(person__user__email__in=known)
    for email, program in enrolments.values_list("person__user__email", "cohort__program"):
        programs[email].add(program)
    # Few people have rights: listing them all is cheaper than matching them to the file.
    with_rights = set(User.objects.with_rights().values_list("email", flat=True))
    theirs = {email for email, ids in programs.items() if ids and ids <= own_programs}
    return known - (theirs - with_rights)


def _check_managers(rows: Mapping[str, _Row], directory: Mapping[str, str | None]) -> None:
    links: dict[str, str] = {email: manager or "" for email, manager in directory.items()}
    for email, row in rows.items():
        if "manager_email" not in row.values:
            continue  # the column is absent: the stored reporting line stays
        manager = str(row.values["manager_email"])
        if manager == email:
            row.report.errors.append(
                CellError("manager_email", _("A person cannot be their own manager."))
            )
            manager = ""
        elif manager and manager not in rows and manager not in directory:
            row.report.errors.append(
                CellError(
                    "manager_email",
                    _("The manager %(manager)s is neither in this file nor in the directory.")
                    % {"manager": manager},
                )
            )
            manager = ""
        links[email] = manager
    # The reporting lines as they would be after the import: the file's rows over the rest of
    # the directory, so a cycle closed through people not in the file is found too.
    for cycle in _cycles(links, rows):
        # Named once, on its first row in the file; its other rows point there. Naming the
        # whole cycle on each of its rows made a preview grow with the square of its length.
        first = min((e for e in cycle if e in rows), key=lambda e: rows[e].report.line)
        start = cycle.index(first)
        cycle = cycle[start:] + cycle[:start]
        rows[first].report.errors.append(CellError("manager_email", _cycle_message(cycle)))
        line = rows[first].report.line
        for email in cycle[1:]:
            if email in rows:
                rows[email].report.errors.append(
                    CellError(
                        "manager_email",
                        _("In the reporting cycle named on line %(line)s.") % {"line": line},
                    )
                )


# A longer cycle is named by its first few people and its length.
CYCLE_NAMED = 5


def _cycle_message(cycle: Sequence[str]) -> str:
    if len(cycle) <= CYCLE_NAMED:
        return _("The reporting lines form a cycle: %(chain)s.") % {
            "chain": " → ".join([*cycle, cycle[0]])
        }
    return _("The reporting lines form a cycle of %(count)s people: %(chain)s → …") % {
        "count": len(cycle),
        "chain": " → ".join(cycle[:CYCLE_NAMED]),
    }


def _cycles(links: Mapping[str, str], starts: Iterable[str]) -> list[list[str]]:
    """Each cycle reachable from the starts, once; linear in the people visited."""
    done: set[str] = set()
    cycles = []
    for start in starts:
        path: list[str] = []
        on_path: dict[str, int] = {}
        node = start
        while node and node not in done and node not in on_path:
            on_path[node] = len(path)
            path.append(node)
            node = links.get(node, "")
        if node in on_path:
            cycles.append(path[on_path[node] :])
        done.update(path)
    return cycles


# --- Planning and writing --------------------------------------------------------------------


# The directory record's own values, read so that a blank cell keeps them.
KEPT_FIELDS = PERSON_FIELDS


@dataclass
class _Plan:
    rows: dict[str, _Row] = field(default_factory=dict)  # the valid rows, by email
    entries: list[DirectoryEntry] = field(default_factory=list)
    # Users who signed up by themselves and have no directory entry yet, by email.
    orphans: dict[str, int] = field(default_factory=dict)
    new_enrolments: dict[str, Enrolment] = field(default_factory=dict)
    changed_enrolments: list[Enrolment] = field(default_factory=list)


def _plan(
    cohort: Cohort,
    rows: Mapping[str, _Row],
    directory: Mapping[str, str | None],
    questions: Mapping[str, EnrolmentQuestion],
) -> _Plan:
    """What to write for the rows without errors; their actions are set from it."""
    enrolments = {
        enrolment.person_email: enrolment
        for enrolment in Enrolment.objects.filter(cohort=cohort).annotate(
            person_email=F("person__user__email")
        )
    }
    for email, row in rows.items():
        if not row.report.errors:
            _check_required_answers(row, enrolments.get(email), questions)
    plan = _Plan(rows={email: row for email, row in rows.items() if not row.report.errors})
    # Plain values, not model instances: this reads every row of a large file.
    stored = {
        values["email"]: values
        for values in get_user_model()
        .objects.filter(email__in=list(plan.rows))
        .values(
            "pk",
            "email",
            *USER_FIELDS,
            "person__pk",
            *(f"person__{n}" for n in KEPT_FIELDS),
        )
    }
    plan.orphans = {e: v["pk"] for e, v in stored.items() if v["person__pk"] is None}
    for email, row in plan.rows.items():
        entry = _entry(row.values, stored.get(email), directory)
        if row.withheld is not None:
            wanted = _entry(row.values | row.withheld, stored.get(email), directory)
            row.report.kept = [
                name for name in DIRECTORY_COLUMNS if getattr(wanted, name) != getattr(entry, name)
            ]
        plan.entries.append(entry)
        _plan_enrolment(cohort, row, enrolments.get(email), plan)
    return plan


def _role_after(row: _Row, enrolment: Enrolment | None) -> str:
    """The role after the import: a blank cell keeps the enrolment's, "" = not enrolled."""
    return str(row.values.get("role") or (enrolment.role if enrolment is not None else ""))


def _check_required_answers(
    row: _Row, enrolment: Enrolment | None, questions: Mapping[str, EnrolmentQuestion]
) -> None:
    if not _role_after(row, enrolment):
        return  # a directory entry only answers nothing
    stored = enrolment.answers if enrolment is not None else {}
    for column, question in questions.items():
        if not question.required:
            continue
        # Only an absent column may skip a required question: the answers then come later,
        # through the invitation. A blank cell keeps the stored answer, if there is one.
        cleared = question.slug in row.answers and row.answers[question.slug] is None
        if cleared or (column in row.blank and question.slug not in stored):
            row.report.errors.append(
                CellError(column, _("An answer is required for anyone with a role."))
            )


def _entry(
    values: Mapping[str, object],
    stored: Mapping[str, object] | None,
    directory: Mapping[str, str | None],
) -> DirectoryEntry:
    """The person as they will be: the file's filled cells over what is stored."""
    email = str(values["email"])
    user = stored or {}
    person = stored if stored is not None and stored["person__pk"] is not None else None

    def kept(name: str, default: object) -> object:
        if name in values:
            return values[name]
        return person[f"person__{name}"] if person is not None else default

    # A blank time zone keeps the one the person chose; someone new starts on UTC.
    timezone_name = values.get("timezone") or user.get("timezone") or "UTC"
    manager = values["manager_email"] if "manager_email" in values else directory.get(email)
    return DirectoryEntry(
        email=email,
        # Required in the file; absent only when withheld, and then the stored name stays.
        first_name=str(values.get("first_name", user.get("first_name", ""))),
        last_name=str(values.get("last_name", user.get("last_name", ""))),
        department=str(kept("department", "")),
        job_title=str(kept("job_title", "")),
        seniority=cast("int | None", kept("seniority", None)),
        manager_email=str(manager or ""),
        languages=tuple(cast("Iterable[str]", kept("languages", ()))),
        timezone=str(timezone_name),
        location=str(kept("location", "")),
        bio=str(kept("bio", "")),
        grade=str(kept("grade", "")),
        left_on=cast("dt.date | None", kept("left_on", None)),
    )


def _enrolment_values(enrolment: Enrolment | None) -> dict[str, object]:
    if enrolment is None:
        return {"role": "", "expertise": [], "interests": [], "capacity": None, "answers": {}}
    return {name: getattr(enrolment, name) for name in ENROLMENT_FIELDS}


def _enrolment_changes(
    before: Mapping[str, object], after: Mapping[str, object]
) -> list[FieldChange]:
    changes = [
        FieldChange(name, before[name], after[name])
        for name in ENROLMENT_FIELDS
        if name != "answers" and before[name] != after[name]
    ]
    old, new = cast("dict", before["answers"]), cast("dict", after["answers"])
    for slug in dict.fromkeys([*old, *new]):
        if old.get(slug) != new.get(slug):
            changes.append(FieldChange(slug, old.get(slug), new.get(slug)))
    return changes


def _plan_enrolment(cohort: Cohort, row: _Row, enrolment: Enrolment | None, plan: _Plan) -> None:
    """Set the row's enrolment outcome and changes, and add the write to the plan."""
    role = _role_after(row, enrolment)
    row.report.role = role
    if not role:
        return  # a directory entry only
    before = _enrolment_values(enrolment)
    answers = dict(cast("dict", before["answers"]))
    for slug, answer in row.answers.items():
        if answer is None:
            answers.pop(slug, None)
        else:
            answers[slug] = answer
    after = before | {"role": role, "answers": answers}
    after |= {name: row.values[name] for name in ENROLMENT_FIELDS if name in row.values}
    row.report.changes = _enrolment_changes(before, after)
    email = str(row.values["email"])
    if enrolment is None:
        # Status "invited" until someone approves it; the invitation is sent separately.
        plan.new_enrolments[email] = Enrolment(
            cohort=cohort, status=Enrolment.Status.INVITED, **after
        )
        row.report.enrolment = "create"
    elif row.report.changes:
        # The status is never touched: a re-import must not undo an approval or a withdrawal.
        for name, value in after.items():
            setattr(enrolment, name, value)
        plan.changed_enrolments.append(enrolment)
        row.report.enrolment = "update"
    else:
        row.report.enrolment = "unchanged"


def _apply(plan: _Plan) -> dict[str, PersonChange]:
    """Write the plan; what happened to each person, by email."""
    # Someone who signed up by themselves has a user but no directory entry yet; give them one
    # so the upsert updates that user instead of failing on the unique email.
    Person.objects.bulk_create(
        [Person(user_id=pk) for pk in plan.orphans.values()], batch_size=BATCH_SIZE
    )
    result = directory_upsert(entries=plan.entries)
    # The preview called their new directory entry a "create"; so does the report.
    changes = result.changes | dict.fromkeys(plan.orphans, PersonChange("create"))
    for email, enrolment in plan.new_enrolments.items():
        enrolment.person_id = result.people[email].pk
    Enrolment.objects.bulk_create(plan.new_enrolments.values(), batch_size=BATCH_SIZE)
    if plan.changed_enrolments:
        now = timezone.now()  # bulk_update skips auto_now
        for enrolment in plan.changed_enrolments:
            enrolment.updated_at = now
        Enrolment.objects.bulk_update(
            plan.changed_enrolments, [*ENROLMENT_FIELDS, "updated_at"], batch_size=BATCH_SIZE
        )
    return changes
