"""The score in words (matching.explain), against fixtures worked out by hand.

Default one-to-one weights: expertise 40, seniority 20, department 10, language 15, time
zone 10, format 5 (sum 100, so each weight is also the criterion's maximum in points)."""

from __future__ import annotations

import numpy as np
import pytest
from django.urls import reverse

from matching import services
from matching.engine import ScoreSettings, Side, csr_from_sets, pair_breakdown
from matching.explain import Profile, explain, hours_apart, maxima

ONE_TO_ONE = ScoreSettings.for_format("one_to_one")

ANN = Profile(
    wants=("Negotiation", "Python"),
    languages=("de", "en"),
    seniority=3,
    department="Sales",
    tz_offset=1.0,
    meeting_format="video",
)
ZOE = Profile(
    offers=("Negotiation", "Leadership"),
    languages=("de",),
    seniority=6,
    department="Finance",
    tz_offset=-5.0,
    meeting_format="video",
)
# By hand: 1 of 2 wanted topics offered (0.5 x 40 = 20); 3 levels up (1 - (3 - 2) / 8 = 0.875,
# x 20 = 17.5); different departments, as preferred (10); German in common (15); 6 hours apart
# (1 - 6 / 12 = 0.5, x 10 = 5); both prefer video (5). Total 72.5.
ANN_ZOE = {
    "expertise": 20.0,
    "seniority": 17.5,
    "department": 10.0,
    "language": 15.0,
    "timezone": 5.0,
    "format": 5.0,
}


def by_criterion(reasons) -> dict:
    return {r.criterion: r for r in reasons}


def test_the_hand_computed_points_are_the_engines():
    tags = {"negotiation": 0, "python": 1, "leadership": 2}
    langs = {"de": 0, "en": 1}

    def side(profile: Profile, formats: int) -> Side:
        return Side(
            person=[0],
            seniority=[profile.seniority],
            department=[0 if profile.department == "Sales" else 1],
            languages=csr_from_sets([[langs[c] for c in profile.languages]], len(langs)),
            tz_offset=[profile.tz_offset],
            meeting_format=[formats],
            interests=csr_from_sets([[tags[t.lower()] for t in profile.wants]], len(tags)),
            expertise=csr_from_sets([[tags[t.lower()] for t in profile.offers]], len(tags)),
            capacity=[1],
        )

    breakdown = pair_breakdown(side(ANN, 1), side(ZOE, 1), ONE_TO_ONE, np.array([0]), np.array([0]))
    assert breakdown.as_dicts()[0] == ANN_ZOE
    assert breakdown.score_cents[0] == 7250


def test_each_criterion_says_its_points_out_of_its_maximum_and_why_to_the_mentee():
    reasons = explain(ANN_ZOE, ONE_TO_ONE, ANN, ZOE)
    said = {r.criterion: (r.points, r.maximum, r.text) for r in reasons}
    assert said == {
        "expertise": (20.0, 40.0, "Offers Negotiation, which you want (1 of your 2 topics)."),
        "seniority": (
            17.5,
            20.0,
            "3 levels more senior than you. One or two levels apart score best.",
        ),
        "department": (10.0, 10.0, "From another department (Finance)."),
        "language": (15.0, 15.0, "You both speak German."),
        "timezone": (5.0, 10.0, "6 hours apart from you."),
        "format": (5.0, 5.0, "You both prefer to meet by video."),
    }
    # The biggest contribution first; equal points, the bigger maximum first.
    assert [r.criterion for r in reasons] == [
        "expertise",
        "seniority",
        "language",
        "department",
        "timezone",
        "format",
    ]
    assert by_criterion(reasons)["language"].label == "Shared language"


def test_a_coordinator_reads_the_pair_by_name():
    reasons = by_criterion(
        explain(ANN_ZOE, ONE_TO_ONE, ANN, ZOE, mentee_name="Ann", mentor_name="Zoe")
    )
    assert reasons["expertise"].text == "Zoe offers Negotiation, which Ann wants (1 of 2 topics)."
    assert reasons["seniority"].text.startswith("Zoe is 3 levels more senior than Ann.")
    assert reasons["department"].text == "Zoe is in Finance, Ann in Sales."
    assert reasons["language"].text == "Both speak German."


def test_what_earned_nothing_says_why():
    mentor = Profile(
        offers=("Law",),
        languages=("fr",),
        seniority=3,
        department="sales ",
        tz_offset=None,
        meeting_format="phone",
    )
    nothing = dict.fromkeys(ANN_ZOE, 0.0) | {"timezone": 0.0, "format": 0.0}
    reasons = by_criterion(explain(nothing, ONE_TO_ONE, ANN, mentor))
    assert reasons["expertise"].text == "Offers none of the topics you want."
    assert reasons["seniority"].text == (
        "Same level as you. Points go to a mentor who is more senior."
    )
    # Departments compare trimmed and in any case, as the score does.
    assert reasons["department"].text == (
        "Same department as you (sales). The program prefers pairs across departments."
    )
    assert reasons["language"].text == "No language in common on record."
    assert reasons["timezone"].text == "Time zone is not on record for one or both of you."
    assert reasons["format"].text == "Prefers phone; you prefer video."


def test_reverse_mentoring_wants_the_mentor_more_junior():
    reverse = ScoreSettings.for_format("reverse")
    senior_mentee = Profile(seniority=8)
    reasons = by_criterion(
        explain({"seniority": 15.0}, reverse, senior_mentee, Profile(seniority=6))
    )
    assert reasons["seniority"].text == "2 levels more junior than you."
    assert reasons["seniority"].maximum == 15.0
    reasons = by_criterion(
        explain({"seniority": 0.0}, reverse, senior_mentee, Profile(seniority=9))
    )
    assert reasons["seniority"].text == (
        "1 level more senior than you. "
        "In reverse mentoring, points go to a mentor who is more junior."
    )


def test_peers_are_explained_both_ways():
    peer = ScoreSettings.for_format("peer")
    mine = Profile(wants=("Python",), offers=("SQL",))
    theirs = Profile(wants=("SQL", "Go"), offers=("Python",))
    # Forward 1 of 1, backward 1 of 2: (1 + 0.5) / 2 x 30 = 22.5.
    reasons = by_criterion(explain({"expertise": 22.5}, peer, mine, theirs))
    assert reasons["expertise"].text == (
        "Offers Python, which you want (1 of your 1 topic). You offer SQL, which they want."
    )
    assert reasons["expertise"].maximum == 30.0


def test_questions_say_the_shared_answer_and_maxima_follow_the_weights():
    settings = ScoreSettings.for_format(
        "one_to_one", weights={"expertise": 40, "language": 15, "q:goal": 10}
    )
    # 65 weight in all: the question can give 10 / 65 x 100 = 15.38 points.
    assert maxima(settings) == {"expertise": 61.54, "language": 23.08, "q:goal": 15.38}
    mine = Profile(answers={"goal": ["Lead a team", "Public speaking"]})
    theirs = Profile(answers={"goal": ["lead a team"]})
    # Jaccard 1 / 2 of 15.38.
    reasons = by_criterion(
        explain({"q:goal": 7.69}, settings, mine, theirs, questions={"goal": "Main goal?"})
    )
    assert reasons["q:goal"].label == "Main goal?"
    assert reasons["q:goal"].text == "Same answer to “Main goal?”: Lead a team."
    reasons = by_criterion(explain({"q:goal": 0.0}, settings, mine, Profile()))
    assert reasons["q:goal"].text == "“goal” is not answered by both of you."


def test_a_criterion_dropped_since_the_run_keeps_its_points_without_a_maximum():
    settings = ScoreSettings.for_format("one_to_one", weights={"expertise": 1})
    (reason,) = explain({"language": 15.0}, settings, ANN, ZOE)
    assert reason.maximum is None and reason.text == "You both speak German."


@pytest.mark.parametrize(
    ("a", "b", "hours"),
    [(1.0, -5.0, 6.0), (-11.0, 13.0, 0.0), (5.5, -3.0, 8.5), (None, 1.0, None)],
)
def test_hours_apart_go_round_the_clock(a, b, hours):
    assert hours_apart(a, b) == hours


@pytest.mark.django_db
def test_the_coordinator_reads_each_proposal_in_words(small_cohort, client, coordinator):
    run = services.match_run_create(cohort=small_cohort["cohort"])
    proposal = run.proposals.get(mentee=small_cohort["enrolments"]["cat"])
    client.force_login(coordinator)
    html = client.get(reverse("matching:cohort", args=[small_cohort["cohort"].slug])).content
    mentor = proposal.mentor.person.name
    assert f"{mentor} offers none of the topics Cat Test wants." in html.decode()
    # Points out of the most the criterion gives under the run's weights (40 for expertise).
    assert "0.00 of 40" in html.decode()
