"""The flash-event rotation planner, against brute force and as properties (no database)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matching.engine import Directory, ScoreSettings, plan_flash_event, plan_rotation
from matching.engine.constraints import in_reporting_chain
from tests.matching.engine_factories import make_side

# --- brute force ---------------------------------------------------------------------------


def round_assignments(usable, table_size):
    """Every assignment of one round: each mentee at one usable mentor or none."""
    n, m = usable.shape
    choices = [[-1, *np.flatnonzero(usable[i]).tolist()] for i in range(n)]
    for combo in itertools.product(*choices):
        load = np.bincount([j for j in combo if j >= 0], minlength=m)
        if (load <= table_size).all():
            yield np.array(combo, dtype=np.int64)


def round_key(cents, plan, mentee_sat_out, mentor_sat_out):
    """What the planner ranks a round by: seated, then who waited longest, then score."""
    seated = np.flatnonzero(plan >= 0)
    hosts = np.unique(plan[seated])
    waiting = int(mentee_sat_out[seated].sum() + (1 + mentor_sat_out[hosts]).sum())
    return (len(seated), waiting, int(cents[seated, plan[seated]].sum()))


def history(plans, mentee_present, mentor_present, m):
    """Pairs met and sit-out counts after the given rounds."""
    met = set()
    mentee_sat_out = np.zeros(mentee_present.shape[1], dtype=np.int64)
    mentor_sat_out = np.zeros(m, dtype=np.int64)
    for r, plan in enumerate(plans):
        seated = np.flatnonzero(plan >= 0)
        met |= set(zip(seated.tolist(), plan[seated].tolist(), strict=True))
        mentee_sat_out += mentee_present[r] & (plan < 0)
        hosted = np.bincount(plan[seated], minlength=m)
        mentor_sat_out += mentor_present[r] & (hosted == 0)
    return met, mentee_sat_out, mentor_sat_out


def usable_in_round(mask, met, mentee_present, mentor_present, r):
    usable = mask & mentee_present[r][:, None] & mentor_present[r][None, :]
    for i, j in met:
        usable[i, j] = False
    return usable


def brute_force_event(cents, mask, rounds, table_size):
    """The best schedule ranked round by round (round 1's key first), over all schedules."""
    n, m = mask.shape
    present = np.ones((rounds, n), dtype=bool), np.ones((rounds, m), dtype=bool)
    options = list(round_assignments(mask, table_size))
    best = None

    def search(plans, keys):
        nonlocal best
        if len(plans) == rounds:
            if best is None or keys > best[0]:
                best = (keys, [p.copy() for p in plans])
            return
        met, mentee_sat_out, mentor_sat_out = history(plans, *present, m)
        for plan in options:
            seated = np.flatnonzero(plan >= 0)
            if any(
                (i, j) in met for i, j in zip(seated.tolist(), plan[seated].tolist(), strict=True)
            ):
                continue
            key = round_key(cents, plan, mentee_sat_out, mentor_sat_out)
            search([*plans, plan], (*keys, key))

    search([], ())
    return best


# --- instances -----------------------------------------------------------------------------


def random_instance(rng, n, m, density=0.75, distinct=False):
    if distinct:
        # Powers of two: two different sets of pairs never have the same total, so no
        # two assignments of a round tie.
        cents = (2 ** rng.permutation(n * m)).reshape(n, m).astype(np.int32)
    else:
        cents = (rng.integers(0, 5, size=(n, m)) * 2500).astype(np.int32)
    mask = rng.random((n, m)) < density
    return cents, mask


def check_rotation(rotation, cents, mask, table_size, held=None, mentee_absent=None):
    """Every hard rule, recounted from the schedule itself."""
    mentor_of = rotation.mentor_of
    n_held = 0 if held is None else len(held)
    if n_held:
        assert np.array_equal(mentor_of[:n_held], held)
    seen = set()
    for r in range(rotation.rounds):
        rows, cols = rotation.pairs(r)
        pairs = set(zip(rows.tolist(), cols.tolist(), strict=True))
        assert not pairs & seen, f"a pair meets again in round {r}"
        seen |= pairs
        if r >= n_held:  # held rounds are facts, whatever happened at the tables
            assert (np.bincount(cols, minlength=mask.shape[1]) <= table_size).all()
            assert mask[rows, cols].all(), f"a pair that is not allowed meets in round {r}"
            if mentee_absent is not None:
                assert not mentee_absent[r, rows].any()
            assert rotation.mentor_present[r, cols].all()
    assert rotation.repeats == 0


# --- against brute force -------------------------------------------------------------------


def test_each_round_is_the_best_given_the_rounds_before():
    rng = np.random.default_rng(3)
    for trial in range(120):
        n, m = int(rng.integers(1, 5)), int(rng.integers(1, 4))
        rounds, table_size = int(rng.integers(1, 4)), int(rng.integers(1, 3))
        cents, mask = random_instance(rng, n, m)
        mentee_absent = rng.random((rounds, n)) < 0.2
        mentor_absent = rng.random((rounds, m)) < 0.15
        rotation = plan_rotation(
            cents,
            mask,
            rounds=rounds,
            table_size=table_size,
            mentee_absent=mentee_absent,
            mentor_absent=mentor_absent,
        )
        check_rotation(rotation, cents, mask, table_size, mentee_absent=mentee_absent)
        present = ~mentee_absent, ~mentor_absent
        for r in range(rounds):
            met, mentee_sat_out, mentor_sat_out = history(rotation.mentor_of[:r], *present, m)
            usable = usable_in_round(mask, met, *present, r)
            best = max(
                round_key(cents, plan, mentee_sat_out, mentor_sat_out)
                for plan in round_assignments(usable, table_size)
            )
            got = round_key(cents, rotation.mentor_of[r], mentee_sat_out, mentor_sat_out)
            assert got == best, (trial, r)


@pytest.mark.parametrize(
    ("n", "m", "rounds", "table_size"),
    [(3, 2, 3, 1), (4, 2, 2, 1), (4, 3, 2, 1), (3, 3, 3, 1), (4, 2, 2, 2), (3, 2, 3, 2)],
)
def test_whole_event_equals_brute_force_when_no_two_rounds_tie(n, m, rounds, table_size):
    rng = np.random.default_rng(n * 100 + m * 10 + rounds + table_size)
    for _ in range(4):
        cents, mask = random_instance(rng, n, m, distinct=True)
        rotation = plan_rotation(cents, mask, rounds=rounds, table_size=table_size)
        keys, _plans = brute_force_event(cents, mask, rounds, table_size)
        assert tuple(rotation.seated.tolist()) == tuple(k[0] for k in keys)
        assert rotation.objective_cents == sum(k[2] for k in keys)


def test_one_round_of_one_to_one_tables_is_the_plain_best_assignment_and_meets_the_bound():
    # With one seat per table nobody has waited yet and every seated mentee fills a
    # different mentor's table, so fairness has nothing to add.
    rng = np.random.default_rng(8)
    for _ in range(60):
        cents, mask = random_instance(rng, int(rng.integers(1, 6)), int(rng.integers(1, 4)))
        rotation = plan_rotation(cents, mask, rounds=1)
        best = max(
            (int((p >= 0).sum()), int(cents[np.flatnonzero(p >= 0), p[p >= 0]].sum()))
            for p in round_assignments(mask, 1)
        )
        assert (int(rotation.seated[0]), rotation.objective_cents) == best
        assert rotation.upper_bound_cents == rotation.objective_cents


# --- properties ----------------------------------------------------------------------------


@st.composite
def events(draw, complete=False):
    n = draw(st.integers(1, 8))
    m = draw(st.integers(1, 5))
    rounds = draw(st.integers(0, 5))
    table_size = draw(st.integers(1, 3))
    cents = np.array(
        draw(st.lists(st.integers(0, 10000), min_size=n * m, max_size=n * m)), dtype=np.int32
    ).reshape(n, m)
    if complete:
        mask = np.ones((n, m), dtype=bool)
    else:
        mask = np.array(
            draw(st.lists(st.booleans(), min_size=n * m, max_size=n * m)), dtype=bool
        ).reshape(n, m)
    return cents, mask, rounds, table_size


@settings(max_examples=150, deadline=None)
@given(events(), st.data())
def test_plans_never_break_a_rule(event, data):
    cents, mask, rounds, table_size = event
    n, m = mask.shape
    absent = st.lists(st.booleans(), min_size=rounds * n, max_size=rounds * n)
    mentee_absent = np.array(data.draw(absent), dtype=bool).reshape(rounds, n)
    mentor_absent = np.array(
        data.draw(st.lists(st.booleans(), min_size=rounds * m, max_size=rounds * m)), dtype=bool
    ).reshape(rounds, m)
    kwargs = {
        "rounds": rounds,
        "table_size": table_size,
        "mentee_absent": mentee_absent,
        "mentor_absent": mentor_absent,
    }
    rotation = plan_rotation(cents, mask, **kwargs)
    check_rotation(rotation, cents, mask, table_size, mentee_absent=mentee_absent)
    again = plan_rotation(cents, mask, **kwargs)
    assert np.array_equal(rotation.mentor_of, again.mentor_of)
    if (rotation.seated == rotation.seat_max).all():
        assert rotation.objective_cents <= rotation.upper_bound_cents


@settings(max_examples=150, deadline=None)
@given(events(), st.data())
def test_replanning_keeps_held_rounds_and_never_repeats_them(event, data):
    cents, mask, rounds, table_size = event
    n, m = mask.shape
    rounds = max(rounds, 1)
    first = plan_rotation(cents, mask, rounds=rounds, table_size=table_size)
    n_held = data.draw(st.integers(0, rounds))
    held = first.mentor_of[:n_held]
    # Someone sat at a table the plan did not foresee (a coordinator moved them): the held
    # round is a fact, and later rounds still must not repeat it.
    if n_held and data.draw(st.booleans()):
        held = held.copy()
        moved = data.draw(st.integers(0, n - 1))
        not_met = sorted(set(range(m)) - set(held[:-1, moved].tolist()))
        if not_met:
            held[-1, moved] = data.draw(st.sampled_from(not_met))
    mentee_absent = np.zeros((rounds, n), dtype=bool)
    late = data.draw(st.integers(0, n - 1))
    mentee_absent[n_held:, late] = True  # left the event after the held rounds
    rotation = plan_rotation(
        cents,
        mask,
        rounds=rounds,
        table_size=table_size,
        held=held,
        mentee_absent=mentee_absent,
    )
    check_rotation(rotation, cents, mask, table_size, held=held, mentee_absent=mentee_absent)
    assert rotation.held_rounds == n_held
    assert (rotation.mentor_of[n_held:, late] == -1).all()
    assert all(r.held == (i < n_held) for i, r in enumerate(rotation.report()))


@settings(max_examples=150, deadline=None)
@given(events(complete=True))
def test_nobody_sits_out_twice_before_everyone_sat_out_once(event):
    """Where everyone may meet everyone and there are at least twice as many mentors as
    rounds. With fewer (a full round robin: 6 mentees, 3 mentors with tables of 3, 3
    rounds) the planner, which does not look ahead, can be left with a last round it
    cannot fill completely."""
    cents, mask, rounds, table_size = event
    n, m = mask.shape
    rounds = min(rounds, m // 2)
    rotation = plan_rotation(cents, mask, rounds=rounds, table_size=table_size)
    check_rotation(rotation, cents, mask, table_size)
    mentee_sat_out = np.zeros(n, dtype=np.int64)
    mentor_sat_out = np.zeros(m, dtype=np.int64)
    for r in range(rounds):
        assert rotation.seated[r] == min(n, m * table_size)
        mentee_sat_out[rotation.sitting_out(r)] += 1
        mentor_sat_out[rotation.mentors_sitting_out(r)] += 1
        assert mentee_sat_out.max() - mentee_sat_out.min() <= 1
        assert mentor_sat_out.max() - mentor_sat_out.min() <= 1


# --- the report ----------------------------------------------------------------------------


def test_report_names_who_sits_out_and_the_bound_ignores_repeats():
    # Two mentees, one mentor: one of them sits out each round, in turn; the bound lets
    # the better pair meet in every round.
    cents = np.array([[9000], [4000]], dtype=np.int32)
    mask = np.ones((2, 1), dtype=bool)
    rotation = plan_rotation(cents, mask, rounds=2)
    first, second = rotation.report()
    assert (first.seated, first.sitting_out, first.cents) == (1, (1,), 9000)
    assert (second.seated, second.sitting_out, second.cents) == (1, (0,), 4000)
    assert rotation.objective_cents == 13000
    assert rotation.upper_bound_cents == 18000
    assert rotation.repeats == 0


def test_a_third_round_seats_nobody_once_every_pair_has_met():
    cents = np.array([[5000], [6000]], dtype=np.int32)
    rotation = plan_rotation(cents, np.ones((2, 1), dtype=bool), rounds=3)
    assert rotation.seated.tolist() == [1, 1, 0]
    assert rotation.report()[2].sitting_out == (0, 1)
    assert rotation.report()[2].seat_max == 1  # repeats allowed, the round could seat one


def test_a_mentor_who_sat_out_gets_the_next_table_before_a_better_scored_late_arrival():
    # One mentee, three mentors. Mentor 2 is absent in round 1 (absent is not sitting
    # out); mentor 1 is there but hosts nobody, so mentor 1 hosts in round 2 although
    # mentor 2 scores higher.
    cents = np.array([[9000, 5000, 6000]], dtype=np.int32)
    mentor_absent = np.array([[False, False, True], [False, False, False]])
    rotation = plan_rotation(
        cents, np.ones((1, 3), dtype=bool), rounds=2, mentor_absent=mentor_absent
    )
    assert rotation.mentor_of[:, 0].tolist() == [0, 1]
    assert [r.mentors_sitting_out for r in rotation.report()] == [(1,), (0, 2)]


def test_inputs_of_the_wrong_shape_are_refused():
    cents = np.zeros((2, 2), dtype=np.int32)
    mask = np.ones((2, 2), dtype=bool)
    with pytest.raises(ValueError, match="held"):
        plan_rotation(cents, mask, rounds=1, held=np.zeros((2, 2)))
    with pytest.raises(ValueError, match="mentee_absent"):
        plan_rotation(cents, mask, rounds=2, mentee_absent=np.zeros((1, 2), dtype=bool))
    with pytest.raises(ValueError, match="table_size"):
        plan_rotation(cents, mask, rounds=2, table_size=0)


# --- over people ---------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_people_in_one_reporting_chain_never_meet(data):
    n_people = data.draw(st.integers(4, 14))
    # Each person's manager comes before them, so the lines never form a cycle.
    manager = [-1] + [data.draw(st.integers(-1, p - 1)) for p in range(1, n_people)]
    directory = Directory(np.array(manager))
    people = data.draw(st.permutations(range(n_people)))
    split = data.draw(st.integers(1, n_people - 1))
    mentee_people, mentor_people = sorted(people[:split]), sorted(people[split:])
    mentees = make_side(mentee_people, interests=[[p % 3] for p in mentee_people])
    mentors = make_side(mentor_people, expertise=[[p % 3, 4] for p in mentor_people])
    rounds = data.draw(st.integers(1, 4))
    result = plan_flash_event(
        mentees,
        mentors,
        directory,
        ScoreSettings.for_format("one_to_one"),
        rounds=rounds,
        table_size=data.draw(st.integers(1, 2)),
    )
    for r in range(rounds):
        meetings = np.array(result.meetings(r), dtype=np.int64).reshape(-1, 2)
        assert not in_reporting_chain(directory, meetings[:, 0], meetings[:, 1]).any()
    assert result.rotation.repeats == 0


def test_people_plan_keeps_held_meetings_and_leaves_absent_people_out():
    # 0 manages 1: they never meet. 2 arrives late (absent in round 1), 5 leaves after
    # the held round.
    directory = Directory(np.array([-1, 0, -1, -1, -1, -1]))
    mentees = make_side([1, 2, 3], interests=[[0], [0], [0]])
    mentors = make_side([0, 4, 5], expertise=[[0], [0], [0]])
    settings_ = ScoreSettings.for_format("one_to_one")
    held = [[(1, 4), (3, 5)]]
    result = plan_flash_event(
        mentees,
        mentors,
        directory,
        settings_,
        rounds=3,
        held=held,
        absent=[[2], [5], [5]],
    )
    assert result.meetings(0) == [(1, 4), (3, 5)]
    later = result.meetings(1) + result.meetings(2)
    assert (1, 0) not in later and (1, 4) not in later and (3, 5) not in later
    assert not any(mentor == 5 for _, mentor in later)
    assert result.rotation.report()[0].sitting_out == ()  # 2 was absent, not sitting out
    with pytest.raises(ValueError, match="not at this event"):
        plan_flash_event(mentees, mentors, directory, settings_, rounds=2, held=[[(1, 2)]])
