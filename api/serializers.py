"""What the API shows of each object: for pairs, activity (dates, counts, status), never
what anyone wrote; for reports, aggregates with small groups suppressed."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from jobs.models import Job
from matching.explain import criterion_label
from matching.models import MatchRun, Proposal
from programs.importing import (
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    CellError,
    ImportReport,
    RowReport,
)
from programs.models import Cohort, Enrolment, Program
from relationships.models import Mentorship


class ProgramSerializer(serializers.ModelSerializer):
    class Meta:
        model = Program
        fields = [
            "slug",
            "name",
            "description",
            "format",
            "enrolment",
            "default_capacity",
            "cadence_days",
            "created_at",
        ]


class CohortSerializer(serializers.ModelSerializer):
    program = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Cohort
        fields = [
            "slug",
            "name",
            "program",
            "status",
            "start_date",
            "end_date",
            "enrolment_opens",
            "enrolment_closes",
            "created_at",
        ]


class EnrolmentSerializer(serializers.ModelSerializer):
    email = serializers.EmailField(source="person.user.email", read_only=True)
    first_name = serializers.CharField(source="person.user.first_name", read_only=True)
    last_name = serializers.CharField(source="person.user.last_name", read_only=True)
    department = serializers.CharField(source="person.department", read_only=True)

    class Meta:
        model = Enrolment
        fields = [
            "id",
            "email",
            "first_name",
            "last_name",
            "department",
            "role",
            "status",
            "expertise",
            "interests",
            "capacity",
            "created_at",
            "updated_at",
        ]


# --- Bulk upsert: rows as the CSV import reads them -------------------------------------------

CELL_HELP = (
    "As a CSV cell: a blank or absent value keeps what is stored, “-” clears an optional "
    "value; lists (expertise, interests, languages, multiple-choice answers) may be JSON lists "
    "or one string separated by “;”."
)


@extend_schema_field(
    {
        "oneOf": [
            {"type": "string"},
            {"type": "integer"},
            {"type": "array", "items": {"type": "string"}},
        ],
        "nullable": True,
    }
)
class CellField(serializers.Field):
    """One cell of the import: text, a whole number, or a list joined with “;”."""

    default_error_messages = {"invalid": "Give text, a whole number or a list of text."}

    def __init__(self, **kwargs) -> None:
        super().__init__(allow_null=True, **kwargs)

    def to_internal_value(self, data) -> str:
        if data is None:
            return ""
        if isinstance(data, bool):
            self.fail("invalid")
        if isinstance(data, int | str):
            return str(data)
        if isinstance(data, list) and all(isinstance(item, str) for item in data):
            return "; ".join(data)
        self.fail("invalid")

    def to_representation(self, value):
        return value


class EnrolmentRowSerializer(serializers.Serializer):
    answers = serializers.DictField(
        child=CellField(),
        required=False,
        help_text="Answers to the program's questions, by the question's slug.",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS):
            self.fields[name] = CellField(required=name in REQUIRED_COLUMNS, help_text=CELL_HELP)

    def to_internal_value(self, data) -> dict[str, str]:
        if isinstance(data, dict):
            # A misspelt column would otherwise be dropped without a word, as the CSV
            # import never does.
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(
                    {
                        name: ["Unknown column; the program's questions go in answers."]
                        for name in unknown
                    }
                )
        values = super().to_internal_value(data)
        answers = values.pop("answers", {})
        # The answers become columns named by the question, as in the CSV file.
        return {**values, **answers}


class EnrolmentUpsertSerializer(serializers.Serializer):
    rows = EnrolmentRowSerializer(many=True, allow_empty=False, max_length=10_000)
    dry_run = serializers.BooleanField(
        default=False, help_text="Check and report only; write nothing."
    )


class CellErrorSerializer(serializers.Serializer):
    field = serializers.CharField(source="column", help_text="Empty: the row as a whole.")
    message = serializers.CharField()


@extend_schema_field({"nullable": True})
class AnyValueField(serializers.JSONField):
    pass


class ChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    before = AnyValueField()
    after = AnyValueField()


class RowReportSerializer(serializers.Serializer):
    row = serializers.IntegerField(source="line", help_text="The row's position, from 1.")
    email = serializers.CharField()
    action = serializers.ChoiceField(choices=["create", "update", "unchanged", "error"])
    enrolment = serializers.CharField(
        help_text="create, update, unchanged, or empty for a directory entry only."
    )
    role = serializers.CharField()
    errors = CellErrorSerializer(many=True)
    changes = ChangeSerializer(many=True)
    kept = serializers.ListField(
        child=serializers.CharField(),
        help_text="Directory values not written: the person is not yours to change.",
    )


def _messages(errors, field: str = "") -> list[CellError]:
    """DRF's nested errors as (field, message) pairs, the innermost field named."""
    if isinstance(errors, dict):
        return [cell for name, inner in errors.items() for cell in _messages(inner, str(name))]
    if isinstance(errors, list):
        return [cell for inner in errors for cell in _messages(inner, field)]
    return [CellError(field, str(errors))]


def malformed_report(errors: dict) -> ImportReport:
    """A body the serializer refused, as the import's report: errors in a row go with that
    row, anything else with the request as a whole."""
    report = ImportReport()
    rows = errors.get("rows")
    # By the row's index: a dict (DRF lists only the rows with errors) or a list.
    if isinstance(rows, list) and all(isinstance(row, dict) for row in rows):
        rows = dict(enumerate(rows))
    if isinstance(rows, dict) and rows and all(isinstance(index, int) for index in rows):
        for index, row_errors in sorted(rows.items()):
            if row_errors:
                report.rows.append(
                    RowReport(line=index + 1, email="", errors=_messages(row_errors))
                )
        errors = {name: value for name, value in errors.items() if name != "rows"}
    for cell in _messages(errors):
        report.file_errors.append(f"{cell.column}: {cell.message}" if cell.column else cell.message)
    return report


class ImportReportSerializer(serializers.Serializer):
    applied = serializers.BooleanField()
    ok = serializers.BooleanField()
    summary = serializers.CharField()
    counts = serializers.DictField(child=serializers.IntegerField())
    errors = serializers.ListField(child=serializers.CharField(), source="file_errors")
    rows = RowReportSerializer(many=True)


# --- Matching ---------------------------------------------------------------------------------


class MatchRunSerializer(serializers.ModelSerializer):
    cohort = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    run_by = serializers.EmailField(source="run_by.email", read_only=True, allow_null=True)
    proposals = serializers.IntegerField(source="proposal_count", read_only=True)

    class Meta:
        model = MatchRun
        fields = [
            "id",
            "cohort",
            "status",
            "created_at",
            "published_at",
            "run_by",
            "n_mentees",
            "n_mentors",
            "proposals",
            "objective",
            "method",
            "seconds",
        ]


class BreakdownSerializer(serializers.Serializer):
    criterion = serializers.CharField(help_text="The key in the matching settings.")
    label = serializers.CharField()
    points = serializers.FloatField()


class ProposalSerializer(serializers.ModelSerializer):
    mentee = serializers.EmailField(source="mentee.person.user.email", read_only=True)
    mentor = serializers.EmailField(source="mentor.person.user.email", read_only=True)
    breakdown = serializers.SerializerMethodField()

    class Meta:
        model = Proposal
        fields = ["id", "mentee", "mentor", "score", "locked", "source", "breakdown"]

    @extend_schema_field(BreakdownSerializer(many=True))
    def get_breakdown(self, proposal: Proposal) -> list[dict]:
        questions = self.context["questions"]
        rows = [
            {"criterion": name, "label": criterion_label(name, questions), "points": points}
            for name, points in proposal.breakdown.items()
        ]
        return sorted(rows, key=lambda row: -row["points"])


class PublishedSerializer(serializers.Serializer):
    mentorships = serializers.ListField(child=serializers.IntegerField())


class RefusalSerializer(serializers.Serializer):
    detail = serializers.CharField()


# --- Jobs -------------------------------------------------------------------------------------


class JobProgressSerializer(serializers.Serializer):
    done = serializers.IntegerField()
    total = serializers.IntegerField(help_text="0 while the job does not know yet.")
    message = serializers.CharField(help_text="The step under way, as the job page says it.")
    percent = serializers.IntegerField()


JOB_RESULT = {
    "type": "object",
    "description": "Empty until the job has succeeded.",
    "properties": {
        "summary": {"type": "string"},
        "url": {"type": "string", "description": "The page that shows the outcome."},
        "run": {"type": "integer", "description": "A matching job's run, under the cohort."},
    },
    "additionalProperties": True,
}


@extend_schema_field(JOB_RESULT)
class JobResultField(serializers.JSONField):
    pass


class JobSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:job_detail")
    progress = serializers.SerializerMethodField()
    result = JobResultField(read_only=True)

    class Meta:
        model = Job
        fields = [
            "id",
            "url",
            "kind",
            "title",
            "state",
            "cancel_requested",
            "progress",
            "result",
            "error",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields

    @extend_schema_field(JobProgressSerializer)
    def get_progress(self, job: Job) -> dict:
        return {
            "done": job.done,
            "total": job.total,
            "message": job.message,
            "percent": job.percent,
        }


class JobBusySerializer(serializers.Serializer):
    detail = serializers.CharField()
    job = serializers.URLField(
        required=False, help_text="The job under way, when it is one you may read."
    )


# --- Mentorships: activity only ---------------------------------------------------------------


class MentorshipSerializer(serializers.ModelSerializer):
    program = serializers.CharField(source="cohort.program.slug", read_only=True)
    cohort = serializers.CharField(source="cohort.slug", read_only=True)
    mentor = serializers.EmailField(source="mentor.user.email", read_only=True)
    mentees = serializers.SerializerMethodField()
    sessions = serializers.IntegerField(source="sessions_count", read_only=True)
    last_session_at = serializers.DateTimeField(read_only=True, allow_null=True)
    next_due_at = serializers.DateTimeField(read_only=True, allow_null=True)
    stalled = serializers.BooleanField(read_only=True)
    goals_set = serializers.IntegerField(source="goals_count", read_only=True)
    goals_achieved = serializers.IntegerField(read_only=True)
    average_rating = serializers.SerializerMethodField()

    class Meta:
        model = Mentorship
        fields = [
            "id",
            "program",
            "cohort",
            "status",
            "source",
            "close_reason",
            "mentor",
            "mentees",
            "created_at",
            "started_at",
            "ended_at",
            "sessions",
            "last_session_at",
            "next_due_at",
            "stalled",
            "goals_set",
            "goals_achieved",
            "average_rating",
        ]

    def get_mentees(self, mentorship: Mentorship) -> list[str]:
        return [person.user.email for person in mentorship.mentees.all()]

    def get_average_rating(self, mentorship: Mentorship) -> float | None:
        rating = mentorship.average_rating
        return round(rating, 1) if rating is not None else None


# --- Reports: aggregates only -----------------------------------------------------------------

FIGURE_VALUE = {
    "oneOf": [{"type": "number"}, {"type": "string"}],
    "description": "A number, or the text shown instead of a suppressed figure.",
}


@extend_schema_field(FIGURE_VALUE)
class FigureValueField(serializers.Field):
    def to_representation(self, value):
        return value


class FiguresSerializer(serializers.DictField):
    child = FigureValueField()


class PeriodSerializer(serializers.Serializer):
    period = serializers.CharField()
    sessions = FigureValueField()


class ReportSerializer(serializers.Serializer):
    filters = serializers.DictField(child=serializers.CharField())
    min_group_size = serializers.IntegerField()
    suppressed_as = serializers.CharField()
    not_for_this_range_as = serializers.CharField()
    figures = serializers.DictField(child=serializers.CharField())
    overall = FiguresSerializer()
    by_department = serializers.DictField(child=FiguresSerializer())
    by_seniority = serializers.DictField(child=FiguresSerializer())
    sessions_per_period = PeriodSerializer(many=True)
