from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from profiles.models import AvailabilityRange, GradeChange, Person

USER_FIELDS = ("first_name", "last_name", "timezone")
PERSON_FIELDS = (
    "department",
    "job_title",
    "seniority",
    "languages",
    "location",
    "bio",
    "grade",
    "left_on",
)


@dataclass(frozen=True)
class DirectoryEntry:
    """One person as the HR directory knows them, complete: values already validated, and
    whatever the source left blank already filled in from what is stored."""

    email: str
    first_name: str
    last_name: str
    department: str = ""
    job_title: str = ""
    seniority: int | None = None
    manager_email: str = ""
    languages: tuple[str, ...] = ()
    timezone: str = "UTC"
    location: str = ""
    bio: str = ""
    grade: str = ""
    left_on: dt.date | None = None


@dataclass(frozen=True)
class FieldChange:
    """One value an import changes, named by its CSV column."""

    field: str
    before: object
    after: object

    @property
    def before_text(self) -> str:
        return _as_text(self.before)

    @property
    def after_text(self) -> str:
        return _as_text(self.after)


def _as_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "; ".join(str(item) for item in value)
    return str(value)


@dataclass(frozen=True)
class PersonChange:
    outcome: str  # "create", "update" or "unchanged"
    changes: tuple[FieldChange, ...] = ()


@dataclass
class DirectoryResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # email -> what happened to that person, and which values changed
    changes: dict[str, PersonChange] = field(default_factory=dict)
    people: dict[str, Person] = field(default_factory=dict)

    @property
    def outcomes(self) -> dict[str, str]:
        return {email: change.outcome for email, change in self.changes.items()}


def _entry_values(entry: DirectoryEntry) -> tuple[dict[str, object], dict[str, object]]:
    user_values = {
        "first_name": entry.first_name,
        "last_name": entry.last_name,
        "timezone": entry.timezone,
    }
    person_values = {
        "department": entry.department,
        "job_title": entry.job_title,
        "seniority": entry.seniority,
        "languages": list(entry.languages),
        "location": entry.location,
        "bio": entry.bio,
        "grade": entry.grade,
        "left_on": entry.left_on,
    }
    return user_values, person_values


def _grade_change(person: Person, grade: str, on: dt.date) -> GradeChange | None:
    """The history row for a new grade: only a change from one grade to another counts (a
    first grade is not a change, and neither is clearing one, which corrects a record)."""
    if person.grade and grade and grade != person.grade:
        return GradeChange(person=person, before=person.grade, after=grade, changed_on=on)
    return None


def directory_plan(*, entries: Sequence[DirectoryEntry]) -> dict[str, PersonChange]:
    """What importing these entries would do to each person, without writing anything."""
    existing = _existing_people([e.email for e in entries])
    return {e.email: _person_change(e, existing.get(e.email)) for e in entries}


def _existing_people(emails: Sequence[str]) -> dict[str, Person]:
    people = Person.objects.filter(user__email__in=emails).select_related("user", "manager__user")
    return {p.user.email: p for p in people}


def _person_change(entry: DirectoryEntry, person: Person | None) -> PersonChange:
    if person is None:
        return PersonChange("create")
    user_values, person_values = _entry_values(entry)
    after = {**user_values, **person_values, "manager_email": entry.manager_email}
    before = {
        **{name: getattr(person.user, name) for name in user_values},
        **{name: getattr(person, name) for name in person_values},
        "manager_email": person.manager.user.email if person.manager_id else "",
    }
    changes = tuple(
        FieldChange(name, before[name], value)
        for name, value in after.items()
        if before[name] != value
    )
    return PersonChange("update" if changes else "unchanged", changes)


@transaction.atomic
def directory_upsert(*, entries: Sequence[DirectoryEntry]) -> DirectoryResult:
    """Create or update people by email, then set their managers. A fixed number of queries
    per batch, whatever the number of people (bulk writes; no query per row)."""
    User = get_user_model()
    result = DirectoryResult()
    emails = [e.email for e in entries]
    existing = _existing_people(emails)
    result.changes = {e.email: _person_change(e, existing.get(e.email)) for e in entries}

    new_users, changed_users, changed_people = [], [], []
    grade_changes: list[GradeChange] = []
    today = timezone.localdate()
    for entry in entries:
        user_values, person_values = _entry_values(entry)
        person = existing.get(entry.email)
        outcome = result.changes[entry.email].outcome
        if person is None:
            user = User(email=entry.email, **user_values)
            user.set_unusable_password()
            new_users.append(user)
        elif outcome == "update":
            if change := _grade_change(person, entry.grade, today):
                grade_changes.append(change)
            for key, value in user_values.items():
                setattr(person.user, key, value)
            for key, value in person_values.items():
                setattr(person, key, value)
            changed_users.append(person.user)
            changed_people.append(person)
    User.objects.bulk_create(new_users, batch_size=1000)
    # SQLite does not return ids from bulk_create on every version; reload them by email.
    user_ids = dict(
        User.objects.filter(email__in=[u.email for u in new_users]).values_list("email", "pk")
    )
    by_email = {e.email: e for e in entries}
    new_people = []
    for user in new_users:
        _, person_values = _entry_values(by_email[user.email])
        new_people.append(Person(user_id=user_ids[user.email], **person_values))
    Person.objects.bulk_create(new_people, batch_size=1000)
    if changed_users:
        User.objects.bulk_update(changed_users, list(USER_FIELDS), batch_size=1000)
        Person.objects.bulk_update(changed_people, list(PERSON_FIELDS), batch_size=1000)
    GradeChange.objects.bulk_create(grade_changes, batch_size=1000)

    people = _existing_people(list({*emails, *(e.manager_email for e in entries)} - {""}))
    managed = []
    for entry in entries:
        person = people[entry.email]
        manager = people.get(entry.manager_email) if entry.manager_email else None
        manager_id = manager.pk if manager else None
        if person.manager_id != manager_id:
            person.manager_id = manager_id
            managed.append(person)
    Person.objects.bulk_update(managed, ["manager"], batch_size=1000)

    result.people = {email: people[email] for email in emails}
    counts = list(result.outcomes.values())
    result.created, result.updated = counts.count("create"), counts.count("update")
    result.unchanged = counts.count("unchanged")
    return result


@dataclass(frozen=True)
class HrRecord:
    """What HR says about a person beyond the directory entry: their grade ("" for none) and
    the day they left the organisation (None: still here)."""

    grade: str = ""
    left_on: dt.date | None = None


@transaction.atomic
def person_hr_record_set(*, person: Person, record: HrRecord) -> None:
    """Set a person's grade and leaving date (SCIM's path; the import writes the same through
    `directory_upsert`), keeping the grade's history."""
    if change := _grade_change(person, record.grade, timezone.localdate()):
        change.save()
    person.grade, person.left_on = record.grade, record.left_on
    person.save(update_fields=["grade", "left_on", "updated_at"])


@transaction.atomic
def profile_update(*, person: Person, **values: object) -> Person:
    """A person edits their own profile. The reporting line and seniority stay with HR."""
    user = person.user
    own = (*USER_FIELDS, "language")  # the language is the person's own, never HR's
    for key in own:
        if key in values:
            setattr(user, key, values[key])
    user.full_clean(exclude=["password"])
    user.save(update_fields=[k for k in own if k in values])
    editable = ("job_title", "department", "location", "languages", "bio")
    for key in editable:
        if key in values:
            setattr(person, key, values[key])
    person.save(update_fields=[k for k in editable if k in values] + ["updated_at"])
    return person


@transaction.atomic
def profile_photo_set(*, person: Person, photo) -> None:
    """Store a photo made by profiles.photos.photo_from_upload (None: remove it); the file of
    the one it replaces goes once the change is committed."""
    old = person.photo.name if person.photo else ""
    if photo is None:
        person.photo = ""
    else:
        person.photo.save(photo.name, photo, save=False)
    person.save(update_fields=["photo", "updated_at"])
    if old and old != person.photo.name:
        storage = person.photo.storage
        transaction.on_commit(lambda: storage.delete(old))


def person_for_user(user) -> Person:
    """Everyone signed in has a directory entry; one that signed up by themselves gets it now."""
    person, _ = Person.objects.select_related("user").get_or_create(user=user)
    return person


# (weekday, start minute, end minute): Monday is 0; minutes after midnight, 1440 ends the day.
WeeklyTuple = tuple[int, int, int]


def availability_normalised(ranges: Iterable[WeeklyTuple]) -> list[WeeklyTuple]:
    """Sorted, with overlapping and touching ranges of a day joined."""
    result: list[WeeklyTuple] = []
    for weekday, start, end in sorted(ranges):
        if result and result[-1][0] == weekday and start <= result[-1][2]:
            result[-1] = (weekday, result[-1][1], max(result[-1][2], end))
        else:
            result.append((weekday, start, end))
    return result


def availability_of(person: Person) -> list[WeeklyTuple]:
    return list(person.availability.values_list("weekday", "start_minute", "end_minute"))


@transaction.atomic
def availability_set(*, person: Person, ranges: Iterable[WeeklyTuple]) -> bool:
    """Replace the person's weekly availability; True if it changed. Saved unchanged, nothing
    is written."""
    wanted = availability_normalised(ranges)
    Person.objects.select_for_update().filter(pk=person.pk).first()
    if availability_of(person) == wanted:
        return False
    rows = [
        AvailabilityRange(person=person, weekday=d, start_minute=s, end_minute=e)
        for d, s, e in wanted
    ]
    for row in rows:
        row.full_clean(exclude=["person"])
    person.availability.all().delete()
    AvailabilityRange.objects.bulk_create(rows)
    return True
