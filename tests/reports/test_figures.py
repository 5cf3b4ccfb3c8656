"""Every figure against the hand-computed organisation in conftest.py (K = 2 here, so the small
fixture shows most figures; suppression has its own tests)."""

from __future__ import annotations

import datetime as dt

import pytest

from reports.selectors import ReportFilters, participation_report

F2 = "fewer than 2"

# No flash event in this organisation (tests/reports/test_flash_figures.py has one).
NO_FLASH = dict.fromkeys(
    (
        "flash_participants",
        "flash_follow_on_pairs",
        "flash_usefulness",
        "flash_met_fit_share",
        "flash_would_return_share",
    ),
    F2,
)

OVERALL = NO_FLASH | {
    "mentors_enrolled": 3,
    "mentees_enrolled": 5,
    "applications_pending": 2,
    "share_matched": 80.0,  # E1, E2, E3, E4 of five
    "median_days_to_match": 25.0,  # 10, 20, 30, 30
    "active_pairs": 2,  # P1 (06-10, 06-20) and P3 (06-15); P2 last met 04-15
    "sessions": 6,
    "hours": 7.0,  # 420 minutes
    "sessions_per_pair": 0.4,  # six sessions in 16 pair-months: P1 Jan-Jun, P2 Jan-May, P3 Feb-Jun
    "goals_set": 4,
    "goals_achieved_share": 50.0,
    "average_rating": 3.5,  # (5 + 4 + 3 + 2) / 4
    "nps": 20,  # promoters 10, 9; detractor 6; passives 8, 7: (2 - 1) / 5
    "pairs_completed": F2,  # P2: one mentee behind it
    "pairs_closed_early": 1,  # P3: E2 and E4
    "completed_share": 50.0,
    "closed_early_share": 50.0,
    "closed_goals_met": F2,
    "closed_no_time": 1,
    "closed_not_a_good_fit": F2,
    "closed_left_organisation": F2,
    "closed_other": F2,
}

ENG = OVERALL | {
    "mentors_enrolled": 2,  # M1, M3
    "mentees_enrolled": 3,  # E1, E2, E5
    "applications_pending": F2,  # A2 alone
    "share_matched": 66.7,  # E1, E2 of three
    "median_days_to_match": 20.0,  # 10, 30
    "active_pairs": 2,  # P1 (E1), P3 (E2)
    "sessions": 4,
    "hours": 5.0,  # 90 + 30 + 60 + 120
    "sessions_per_pair": 0.4,  # four sessions in 11 pair-months (E1's P1, E2's P3)
    "goals_set": 3,  # E1's two, E2's dropped one
    "goals_achieved_share": 33.3,
    "average_rating": 3.7,  # E1 5, M1 4, M3 2
    "nps": -50,  # E2 6, M3 7
    "pairs_completed": F2,
    "pairs_closed_early": F2,  # P3 has one Eng mentee
    "completed_share": F2,
    "closed_early_share": F2,
    "closed_no_time": F2,
}

SALES = OVERALL | {
    "mentors_enrolled": F2,
    "mentees_enrolled": 2,
    "applications_pending": F2,
    "share_matched": 100.0,
    "median_days_to_match": 25.0,  # 20, 30
    "active_pairs": F2,  # P3 through E4 alone
    "sessions": 3,  # P2's two and P3's one
    "hours": 4.0,
    "sessions_per_pair": 0.3,  # three sessions in 10 pair-months (E3's P2, E4's P3)
    "goals_set": F2,
    "goals_achieved_share": F2,
    "average_rating": F2,
    "nps": 67,  # M2 10, E3 9, E4 8
    "pairs_completed": F2,
    "pairs_closed_early": F2,
    "completed_share": 50.0,  # P2 of P2 and P3
    "closed_early_share": 50.0,
    "closed_no_time": F2,
}


@pytest.fixture
def k2(settings):
    settings.REPORTS_MIN_GROUP_SIZE = 2
    return 2


def report(**filters):
    return participation_report(ReportFilters(**filters), k=2)


def test_overall_figures_match_the_hand_computation(org):
    assert report().overall.values(2) == OVERALL


def test_department_breakdown_matches_the_hand_computation(org):
    groups = {g.label: g.values(2) for g in report().breakdowns["department"]}
    # Where one department's figure is hidden (one person behind it), the other's is hidden
    # too: the total minus the one shown would give the hidden one back.
    covers_sales = ("mentors_enrolled", "active_pairs", "goals_set", "goals_achieved_share",
                    "average_rating")  # fmt: skip
    covers_eng = ("completed_share", "closed_early_share")
    assert groups == {
        "Eng": ENG | dict.fromkeys(covers_sales, F2),
        "Sales": SALES | dict.fromkeys(covers_eng, F2),
    }


def test_a_hidden_group_cannot_be_recovered_from_the_total(org):
    from reports.figures import FIGURES, shown

    whole = report()
    for groups in whole.breakdowns.values():
        for figure in FIGURES:
            stats = [g.stats[figure.key] for g in groups]
            hidden = [st for st in stats if shown(st, figure, 2) == F2 and st.value is not None]
            covered = sum(st.people for st in hidden)
            everyone_hidden = all(st in hidden for st in stats if st.people > 0)
            assert covered == 0 or covered >= 2 or everyone_hidden, figure.key


def test_department_filter_gives_that_department_s_figures(org):
    assert report(department="Sales").overall.values(2) == SALES
    assert report(department="Eng").overall.values(2) == ENG


def test_seniority_bands(org):
    groups = {g.label: g.values(2) for g in report().breakdowns["seniority"]}
    assert list(groups) == ["1-3", "4-6", "7-10"]
    # 1-3: mentees E1, E2, E5 and applicant A1; their pairs are Eng's.
    low = groups["1-3"]
    assert low["mentees_enrolled"] == 3
    assert low["mentors_enrolled"] == F2
    assert low["share_matched"] == 66.7
    # Active pairs: 7-10 has one (hidden), so 1-3's two are hidden with it.
    assert (low["sessions"], low["hours"], low["active_pairs"]) == (4, 5.0, F2)
    # 4-6: E3 and E4, applicant A2.
    middle = groups["4-6"]
    assert (middle["mentees_enrolled"], middle["median_days_to_match"]) == (2, 25.0)
    # Its completed share covers another band's, which has one ended pair behind it.
    assert (middle["sessions"], middle["completed_share"]) == (3, F2)
    # 7-10: the mentors, who rated 4 and 2 and answered 10, 7 (M2, M3): one promoter of two.
    high = groups["7-10"]
    assert (high["mentors_enrolled"], high["average_rating"], high["nps"]) == (3, 3.0, 50)


def test_a_group_pair_counts_once_in_the_total(org):
    values = report().overall.values(2)
    assert values["sessions"] == 6  # P3's session is not counted once per mentee


def test_date_range_bounds_each_figure_by_its_own_date(org):
    june = report(since=dt.date(2027, 6, 1), until=dt.date(2027, 6, 30)).overall.values(2)
    assert june["mentors_enrolled"] == F2  # everyone enrolled in January: nobody in June
    assert june["pairs_closed_early"] == 1  # P3, 06-25
    assert june["closed_no_time"] == 1
    assert june["active_pairs"] == 2  # up to today, whatever the range
    to_may = report(until=dt.date(2027, 5, 31)).overall.values(2)
    assert (to_may["mentees_enrolled"], to_may["goals_set"]) == (5, 4)
    assert to_may["pairs_closed_early"] == F2
    from_march = report(since=dt.date(2027, 3, 1)).overall.values(2)
    assert (from_march["sessions"], from_march["hours"]) == (6, 7.0)


def test_a_range_that_splits_a_period_shows_not_for_this_range(org):
    """Sessions: March's two mentees are E1 (Eng) and E3 (Sales), one per department, and so on
    until June, so March to June is one period (K = 2): a range that ends or starts inside it
    would give, against another range, the sessions of one person."""
    for since, until in ((None, dt.date(2027, 5, 31)), (dt.date(2027, 6, 1), None)):
        values = report(since=since, until=until).overall.values(2)
        assert values["sessions"] == values["hours"] == "not for this range"
        assert values["sessions_per_pair"] == "not for this range"
    # Sessions per pair-month needs whole periods of both sessions and running pairs.
    march = report(since=dt.date(2027, 3, 1), until=dt.date(2027, 3, 31)).overall.values(2)
    assert march["sessions_per_pair"] == "not for this range"


def test_ranges_are_whole_months(org):
    with pytest.raises(ValueError, match="first of a month"):
        ReportFilters(since=dt.date(2027, 6, 2))
    with pytest.raises(ValueError, match="last day of a month"):
        ReportFilters(until=dt.date(2027, 6, 29))


def test_program_and_cohort_filters(org, other_coordinator):
    assert report(program=org["program"]).overall.values(2) == OVERALL
    assert report(cohort=org["cohort"]).overall.values(2) == OVERALL
    everything = report().overall.values(2)
    assert everything["mentees_enrolled"] == 8  # the other program's three too


def test_coordinator_scope_is_their_own_programs(org, other_coordinator):
    from programs.access import programs_coordinated_by

    ours = report(programs=programs_coordinated_by(org["coordinator"])).overall.values(2)
    assert ours == OVERALL
    theirs = report(programs=programs_coordinated_by(other_coordinator)).overall.values(2)
    assert theirs["mentees_enrolled"] == 3


def test_sessions_per_period_trend(org):
    assert report().trend_values() == [("2027-03 to 2027-06", 6)]
    assert report(until=dt.date(2027, 4, 30)).trend_values() == [
        ("2027-03 to 2027-06", "not for this range")
    ]
    assert report(since=dt.date(2027, 7, 1), until=dt.date(2027, 7, 31)).trend_values() == []
