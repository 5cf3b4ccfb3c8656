"""A pair's score in words: for each criterion, its points out of the most it can give, and
what about the two people earned them ("You both speak German", "Offers Negotiation, which you
want", "3 levels more senior than you").

The points always come from the engine's breakdown (stored on a proposal, or computed for a
suggestion); this module only reads the two profiles to say why. It follows the rules of
matching.engine.scoring: tags, languages, departments and answers compare trimmed and in lower
case, an unknown seniority counts as the middle of the scale, time zones are hours apart on the
clock face (UTC-11 and UTC+13 are 0 hours apart).

Two voices: `mentee_name=None` speaks to the mentee about the mentor on the card ("you"); with
both names it speaks to a coordinator about the pair.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from django.utils.text import get_text_list
from django.utils.translation import get_language_info, gettext, ngettext
from django.utils.translation import gettext_lazy as _lazy

from matching.engine import ScoreSettings
from matching.loading import ENROLMENT_FIELDS, choice_questions, settings_for, utc_offset_hours
from matching.models import MATCHABLE_FORMATS, QUESTION_PREFIX, MatchRun, Proposal
from programs.models import Enrolment, MeetingFormat

CRITERION_LABELS = {
    "expertise": _lazy("Expertise for interests"),
    "seniority": _lazy("Seniority"),
    "department": _lazy("Department"),
    "language": _lazy("Shared language"),
    "timezone": _lazy("Time zone"),
    "format": _lazy("Meeting format"),
}
BEST_SENIORITY_GAP = 2  # one or two levels apart score in full (engine.scoring)


@dataclass(frozen=True)
class Profile:
    """What one side of a pair brings, as the score reads it."""

    wants: tuple[str, ...] = ()  # interests
    offers: tuple[str, ...] = ()  # expertise
    languages: tuple[str, ...] = ()  # ISO 639-1 codes
    seniority: int | None = None
    department: str = ""
    tz_offset: float | None = None  # hours from UTC on the cohort's start date
    meeting_format: str = ""
    answers: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Reason:
    criterion: str
    label: str
    points: float
    maximum: float | None  # None when the criterion no longer carries weight
    text: str


def criterion_label(name: str, questions: Mapping[str, str]) -> str:
    if name.startswith(QUESTION_PREFIX):
        slug = name[len(QUESTION_PREFIX) :]
        return questions.get(slug, slug)
    return str(CRITERION_LABELS.get(name, name))


def maxima(settings: ScoreSettings) -> dict[str, float]:
    """The most points each criterion can give (all of them together give 100)."""
    return {name: round(coefficient, 2) for name, coefficient in settings.coefficients}


def explain(
    breakdown: Mapping[str, float],
    settings: ScoreSettings,
    mentee: Profile,
    mentor: Profile,
    *,
    questions: Mapping[str, str] | None = None,
    mentee_name: str | None = None,
    mentor_name: str = "",
) -> list[Reason]:
    """One reason per criterion of the breakdown, the biggest contribution first."""
    questions = questions or {}
    most = maxima(settings)
    words = _Words(settings, mentee, mentor, questions, mentee_name, mentor_name)
    reasons = [
        Reason(
            criterion=name,
            label=criterion_label(name, questions),
            points=float(points),
            maximum=most.get(name),
            text=words.about(name),
        )
        for name, points in breakdown.items()
    ]
    return sorted(reasons, key=lambda r: (-r.points, -(r.maximum or 0.0)))


def _norm(values: object) -> list[str]:
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, list | tuple):
        return []
    return [str(v).strip() for v in values if str(v).strip()]


def _common(first: Iterable[str], second: Iterable[str]) -> list[str]:
    """Members of `first` (as `first` spells them) that `second` has too, in `first`'s order."""
    theirs = {v.lower() for v in second}
    seen: set[str] = set()
    out = []
    for value in first:
        key = value.lower()
        if key in theirs and key not in seen:
            seen.add(key)
            out.append(value)
    return out


def _listed(values: Sequence[str]) -> str:
    return str(get_text_list(list(values), gettext("and")))


def language_name(code: str) -> str:
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code


def hours_apart(a: float | None, b: float | None) -> float | None:
    """Hours between two UTC offsets on the clock face; None when either is unknown."""
    if a is None or b is None or math.isnan(a) or math.isnan(b):
        return None
    diff = abs(a - b) % 24
    return min(diff, 24 - diff)


def _hours(value: float) -> str:
    return f"{value:g}"


def _format_label(value: str) -> str:
    try:
        return str(MeetingFormat(value).label).lower()
    except ValueError:
        return value


class _Words:
    def __init__(
        self,
        settings: ScoreSettings,
        mentee: Profile,
        mentor: Profile,
        questions: Mapping[str, str],
        mentee_name: str | None,
        mentor_name: str,
    ) -> None:
        self.settings = settings
        self.mentee, self.mentor = mentee, mentor
        self.questions = questions
        self.you = mentee_name is None
        self.names = {"mentee": mentee_name or "", "mentor": mentor_name}

    def about(self, name: str) -> str:
        if name.startswith(QUESTION_PREFIX):
            return self.question(name[len(QUESTION_PREFIX) :])
        method = getattr(self, name, None)
        return method() if method is not None else ""

    def say(self, you: str, they: str, **values: object) -> str:
        """The sentence in the reader's voice, filled in."""
        return (you if self.you else they) % (self.names | values)

    # --- criteria --------------------------------------------------------------------------

    def expertise(self) -> str:
        wanted = _norm(self.mentee.wants)
        offered = _common(_norm(self.mentor.offers), wanted)
        if not wanted:
            text = self.say(
                gettext("You have not named topics you want to grow in."),
                gettext("%(mentee)s has not named topics to grow in."),
            )
        elif not offered:
            text = self.say(
                gettext("Offers none of the topics you want."),
                gettext("%(mentor)s offers none of the topics %(mentee)s wants."),
            )
        else:
            text = self.say(
                ngettext(
                    "Offers %(topics)s, which you want (%(matched)d of your %(wanted)d topic).",
                    "Offers %(topics)s, which you want (%(matched)d of your %(wanted)d topics).",
                    len(wanted),
                ),
                ngettext(
                    "%(mentor)s offers %(topics)s, which %(mentee)s wants "
                    "(%(matched)d of %(wanted)d topic).",
                    "%(mentor)s offers %(topics)s, which %(mentee)s wants "
                    "(%(matched)d of %(wanted)d topics).",
                    len(wanted),
                ),
                topics=_listed(offered),
                matched=len(_common(wanted, offered)),
                wanted=len(wanted),
            )
        if not self.settings.mutual:
            return text
        # A peer pool scores both directions; say the other one too.
        back_wanted = _norm(self.mentor.wants)
        back = _common(_norm(self.mentee.offers), back_wanted)
        if back:
            text += " " + self.say(
                gettext("You offer %(topics)s, which they want."),
                gettext("%(mentee)s offers %(topics)s, which %(mentor)s wants."),
                topics=_listed(back),
            )
        elif back_wanted:
            text += " " + self.say(
                gettext("You offer none of the topics they want."),
                gettext("%(mentee)s offers none of the topics %(mentor)s wants."),
            )
        return text

    def seniority(self) -> str:
        if self.mentee.seniority is None or self.mentor.seniority is None:
            return self.say(
                gettext(
                    "Seniority is not on record for one or both of you, so it counts as the "
                    "middle of the scale."
                ),
                gettext(
                    "Seniority is not on record for one or both, so it counts as the middle "
                    "of the scale."
                ),
            )
        gap = self.mentor.seniority - self.mentee.seniority
        direction = self.settings.seniority
        if gap == 0:
            text = self.say(gettext("Same level as you."), gettext("Same level."))
        elif gap > 0:
            text = self.say(
                ngettext(
                    "%(levels)d level more senior than you.",
                    "%(levels)d levels more senior than you.",
                    gap,
                ),
                ngettext(
                    "%(mentor)s is %(levels)d level more senior than %(mentee)s.",
                    "%(mentor)s is %(levels)d levels more senior than %(mentee)s.",
                    gap,
                ),
                levels=gap,
            )
        else:
            text = self.say(
                ngettext(
                    "%(levels)d level more junior than you.",
                    "%(levels)d levels more junior than you.",
                    -gap,
                ),
                ngettext(
                    "%(mentor)s is %(levels)d level more junior than %(mentee)s.",
                    "%(mentor)s is %(levels)d levels more junior than %(mentee)s.",
                    -gap,
                ),
                levels=-gap,
            )
        if direction == "close":
            if abs(gap) > 1:
                text += " " + gettext("Peers within one level of each other score best.")
            return text
        toward = gap if direction == "mentor_senior" else -gap
        if toward <= 0:
            text += " " + (
                gettext("Points go to a mentor who is more senior.")
                if direction == "mentor_senior"
                else gettext("In reverse mentoring, points go to a mentor who is more junior.")
            )
        elif toward > BEST_SENIORITY_GAP:
            text += " " + gettext("One or two levels apart score best.")
        return text

    def department(self) -> str:
        mine, theirs = self.mentee.department.strip(), self.mentor.department.strip()
        if not mine or not theirs:
            return self.say(
                gettext("Department is not on record for one or both of you."),
                gettext("Department is not on record for one or both."),
            )
        same = mine.lower() == theirs.lower()
        prefer_same = self.settings.department == "same"
        if same:
            text = self.say(
                gettext("Same department as you (%(department)s)."),
                gettext("Both in %(department)s."),
                department=theirs,
            )
            if not prefer_same:
                text += " " + gettext("The program prefers pairs across departments.")
            return text
        text = self.say(
            gettext("From another department (%(department)s)."),
            gettext("%(mentor)s is in %(department)s, %(mentee)s in %(other)s."),
            department=theirs,
            other=mine,
        )
        if prefer_same:
            text += " " + gettext("The program prefers pairs from the same department.")
        return text

    def language(self) -> str:
        shared = _common(_norm(self.mentee.languages), _norm(self.mentor.languages))
        if not shared:
            return self.say(
                gettext("No language in common on record."),
                gettext("No language in common on record."),
            )
        return self.say(
            gettext("You both speak %(languages)s."),
            gettext("Both speak %(languages)s."),
            languages=_listed([language_name(code) for code in shared]),
        )

    def timezone(self) -> str:
        apart = hours_apart(self.mentee.tz_offset, self.mentor.tz_offset)
        if apart is None:
            return self.say(
                gettext("Time zone is not on record for one or both of you."),
                gettext("Time zone is not on record for one or both."),
            )
        if apart == 0:
            return self.say(gettext("Same time as you."), gettext("Same time of day."))
        return self.say(
            ngettext(
                "%(hours)s hour apart from you.",
                "%(hours)s hours apart from you.",
                1 if apart == 1 else 2,
            ),
            ngettext(
                "%(hours)s hour apart.",
                "%(hours)s hours apart.",
                1 if apart == 1 else 2,
            ),
            hours=_hours(apart),
        )

    def format(self) -> str:
        mine, theirs = self.mentee.meeting_format, self.mentor.meeting_format
        if mine and theirs and mine == theirs:
            return self.say(
                gettext("You both prefer to meet by %(format)s."),
                gettext("Both prefer to meet by %(format)s."),
                format=_format_label(mine),
            )
        if mine and theirs:
            return self.say(
                gettext("Prefers %(theirs)s; you prefer %(mine)s."),
                gettext("%(mentor)s prefers %(theirs)s, %(mentee)s %(mine)s."),
                theirs=_format_label(theirs),
                mine=_format_label(mine),
            )
        return self.say(
            gettext("No clash: at least one of you has no preferred way to meet."),
            gettext("No clash: at least one of them has no preferred way to meet."),
        )

    def question(self, slug: str) -> str:
        question = self.questions.get(slug, slug)
        mine = _norm(self.mentee.answers.get(slug))
        theirs = _norm(self.mentor.answers.get(slug))
        if not mine or not theirs:
            return self.say(
                gettext("“%(question)s” is not answered by both of you."),
                gettext("“%(question)s” is not answered by both."),
                question=question,
            )
        common = _common(mine, theirs)
        if not common:
            return self.say(
                gettext("Different answers to “%(question)s”."),
                gettext("Different answers to “%(question)s”."),
                question=question,
            )
        return self.say(
            gettext("Same answer to “%(question)s”: %(answers)s."),
            gettext("Same answer to “%(question)s”: %(answers)s."),
            question=question,
            answers=_listed(common),
        )


# --- profiles from the database ---------------------------------------------------------

PROFILE_FIELDS = ENROLMENT_FIELDS


def profile_from_row(row: Mapping[str, object], on: dt.date) -> Profile:
    """A Profile from an enrolment row read with `values(*PROFILE_FIELDS)`."""
    zone = row["person__user__timezone"] or ""
    offset = utc_offset_hours(str(zone), on) if zone else float("nan")
    return Profile(
        wants=tuple(_norm(row["interests"])),
        offers=tuple(_norm(row["expertise"])),
        languages=tuple(_norm(row["person__languages"])),
        seniority=row["person__seniority"],  # type: ignore[arg-type]
        department=str(row["person__department"] or ""),
        tz_offset=None if math.isnan(offset) else offset,
        meeting_format=str(row["preferred_format"] or ""),
        answers=dict(row["answers"] or {}),  # type: ignore[call-overload]
    )


def run_score_settings(run: MatchRun) -> ScoreSettings:
    """How the run scored its pairs, from its snapshot (the program's settings may have
    changed since); the program's settings now for a run recorded without one."""
    snapshot = run.settings_snapshot or {}
    fmt = snapshot.get("format")
    if snapshot.get("weights") and fmt in MATCHABLE_FORMATS:
        try:
            return ScoreSettings.for_format(
                fmt,
                weights=snapshot["weights"],
                department=snapshot.get("department_preference", "different"),
            )
        except ValueError:
            pass  # a snapshot from an older version of the criteria
    program = run.cohort.program
    return settings_for(program).score_settings(list(choice_questions(program)))


def proposal_reasons(
    run: MatchRun, proposals: Sequence[Proposal], questions: Mapping[str, str]
) -> dict[int, list[Reason]]:
    """Proposal pk -> its reasons in words, for a coordinator; one query for the lot.

    The points are the run's; the words read the two profiles as they are now."""
    settings = run_score_settings(run)
    on = run.cohort.start_date or dt.date.today()
    ids = {p.mentee_id for p in proposals} | {p.mentor_id for p in proposals}
    profiles = {
        row["pk"]: profile_from_row(row, on)
        for row in Enrolment.objects.filter(pk__in=ids).values(*PROFILE_FIELDS)
    }
    return {
        p.pk: explain(
            p.breakdown,
            settings,
            profiles[p.mentee_id],
            profiles[p.mentor_id],
            questions=questions,
            mentee_name=p.mentee.person.name,
            mentor_name=p.mentor.person.name,
        )
        for p in proposals
    }
