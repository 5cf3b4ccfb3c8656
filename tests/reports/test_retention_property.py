"""Property: for any organisation, the retention comparison gives away no group of fewer than K
people (pure data, no database).

- every figure shown as a number stands on at least K people, and a count shown is at least K;
- in the breakdown by program, the groups hidden for a figure cover, together, nobody or at
  least K distinct people (worked out here, independently, from the generated data), unless
  the breakdown shows nothing for that figure;
- a comparison group of fewer than K is never shown.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from hypothesis import given, settings
from hypothesis import strategies as st

from reports.retention import ALL, FIGURES, Employee, outcome, retention_figures

K = 5
STARTS = (dt.date(2025, 1, 1), dt.date(2025, 6, 15), dt.date(2026, 2, 28))
PROGRAMS = ("North", "South", "West")


def employees(first_id: int):
    return st.lists(
        st.builds(
            lambda department, seniority, left, graded, changes: (
                department,
                seniority,
                left,
                graded,
                changes,
            ),
            st.sampled_from(["Eng", "Sales", ""]),
            st.sampled_from([None, 2, 5, 8]),
            st.one_of(st.none(), st.dates(dt.date(2024, 6, 1), dt.date(2027, 6, 1))),
            st.booleans(),
            st.lists(st.dates(dt.date(2024, 6, 1), dt.date(2027, 6, 1)), max_size=2),
        ),
        max_size=25,
    ).map(
        lambda rows: [
            Employee(first_id + n, d, s, left, graded, tuple(changes))
            for n, (d, s, left, graded, changes) in enumerate(rows)
        ]
    )


@st.composite
def organisations(draw):
    participants = draw(employees(1))
    others = draw(employees(1000))
    groups: dict[str, dict[int, dt.date]] = defaultdict(dict)
    for person in participants:
        joined = draw(st.sets(st.sampled_from(PROGRAMS), min_size=1))
        for program in joined:
            start = draw(st.sampled_from(STARTS))
            groups[program][person.id] = start
            first = groups[ALL].get(person.id)
            groups[ALL][person.id] = start if first is None else min(first, start)
    return participants, others, dict(groups)


def oracle(starts, people, others) -> dict[str, set[int]]:
    """The people behind each figure of one group, by the module's definitions."""
    behind: dict[str, set[int]] = defaultdict(set)
    for pk, start in starts.items():
        person = people[pk]
        own = outcome(person, start)
        if own is None or person.cell is None:
            continue
        similar = [
            (o.id, outcome(o, start))
            for o in others
            if o.cell == person.cell and outcome(o, start) is not None
        ]
        if not similar:
            continue
        for key in ("participants", "retained"):
            behind[key].add(pk)
        for key in ("comparison", "comparison_retained"):
            behind[key].update(pk_ for pk_, _o in similar)
        graded = [pk_ for pk_, o in similar if o.grade_changed is not None]
        if own.grade_changed is not None and graded:
            behind["grade_changed"].add(pk)
            behind["comparison_grade_changed"].update(graded)
    return behind


@settings(max_examples=150, deadline=None)
@given(org=organisations())
def test_hidden_retention_groups_cover_at_least_k_people(org):
    participants, others, groups = org
    people = {p.id: p for p in participants}
    result = retention_figures(groups=groups, people=people, others=others, k=K)

    everything = [(ALL, result.overall), *result.breakdowns["program"]]
    for label, stats in everything:
        values = result.values(stats)
        truth = oracle(groups.get(label, {}), people, others)
        for figure in FIGURES:
            value = values[figure.key]
            assert stats[figure.key].people == len(truth[figure.key]), (label, figure.key)
            if not isinstance(value, str):
                assert len(truth[figure.key]) >= K, (label, figure.key)
            if figure.key in ("participants", "comparison") and not isinstance(value, str):
                assert value >= K
            if figure.key.startswith("comparison") and len(truth[figure.key]) < K:
                assert isinstance(value, str), (label, figure.key)

    breakdown = result.breakdowns["program"]
    for figure in FIGURES:
        shown = {label: result.values(stats)[figure.key] for label, stats in breakdown}
        hidden = [label for label, value in shown.items() if isinstance(value, str)]
        covered = set().union(
            *(oracle(groups[label], people, others)[figure.key] for label in hidden)
        )
        nothing_shown = len(hidden) == len(shown)
        assert len(covered) == 0 or len(covered) >= K or nothing_shown, (figure.key, shown)
