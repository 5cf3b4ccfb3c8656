"""Property: for any small organisation and any filters, the funnel's breakdowns (program,
cohort, department) give away no group of fewer than K people.

- every stage shown as a number counts at least K people;
- the groups hidden in a breakdown cover, together, nobody or at least K people: worked out here
  from the generated data for the stages whose people are plain to see (enrolled, matched,
  completed), and, for every stage, from the outputs alone: the department rows split the
  total, so the total minus the departments shown is nothing or at least K.
"""

from __future__ import annotations

from collections import defaultdict

import time_machine
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reports.funnel import program_funnel
from reports.selectors import ReportFilters
from tests.reports.test_ranges_property import DEPARTMENTS, NOW, K, Org, build, orgs

COUNTS = ("eligible", "enrolled", "matched", "first_meeting", "meeting_30", "meeting_60",
          "meeting_90", "completed")  # fmt: skip
MEDIANS = ("median_days_to_match", "median_days_to_first_meeting", "capacity_used")


def oracle(org: Org, programs, cohorts, scope: set[int], department: str | None) -> dict:
    """(dimension, label) -> stage -> people, for enrolled, matched and completed."""
    people: dict[tuple[str, str], dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    for person, cohort, role, status, _month in org.enrolments:
        dept = org.people[person][0]
        if cohort not in scope or status != "approved" or role == "mentor":
            continue
        if department is not None and dept != department:
            continue
        program = programs[cohort // 2].name
        groups = (
            ("program", program),
            ("cohort", f"{program} · {cohorts[cohort].name}"),
            ("department", dept),
        )
        pairs = [pair for pair in org.pairs if pair.cohort == cohort and person in pair.mentees]
        for group in groups:
            people[group]["enrolled"].add(person)
            if pairs:
                people[group]["matched"].add(person)
            if any(pair.status == "completed" for pair in pairs):
                people[group]["completed"].add(person)
    return people


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(
    org=orgs(),
    choice=st.tuples(st.sampled_from([None, 0, 1]), st.sampled_from([None, *DEPARTMENTS])),
)
def test_hidden_funnel_groups_cover_at_least_k_people(db, org, choice):
    program_index, department = choice
    with time_machine.travel(NOW, tick=False), transaction.atomic():
        programs, cohorts = build(org)
        scope = {0, 1, 2} if program_index is None else ({0, 1} if program_index == 0 else {2})
        program = programs[program_index] if program_index is not None else None
        funnel = program_funnel(ReportFilters(program=program, department=department), k=K)
        truth = oracle(org, programs, cohorts, scope, department)
        total = funnel.values(funnel.overall)
        for dim, groups in funnel.breakdowns.items():
            shown = {label: funnel.values(stats) for label, stats in groups}
            for key in (*COUNTS, *MEDIANS):
                for label, values in shown.items():
                    if not isinstance(values[key], str):
                        stat = dict(groups)[label][key]
                        assert stat.people >= K, (dim, label, key)
                        if key in COUNTS:
                            assert values[key] >= K, (dim, label, key)
                hidden = [label for label, values in shown.items() if isinstance(values[key], str)]
                if key in ("enrolled", "matched", "completed"):
                    covered = set().union(*(truth[dim, label][key] for label in hidden))
                    # Nothing shown at all: nothing to subtract the hidden groups from.
                    nothing_shown = len(hidden) == len(shown)
                    assert len(covered) in (0, *range(K, 10**6)) or nothing_shown, (dim, key)
                if dim == "department" and key in COUNTS and not isinstance(total[key], str):
                    rest = total[key] - sum(
                        v[key] for v in shown.values() if not isinstance(v[key], str)
                    )
                    assert rest == 0 or rest >= K, (key, total[key], shown)
        transaction.set_rollback(True)
