"""One function decides whether two people may be paired, and every path that pairs people
asks it (matching.rules, relationships.services.mentorships_create)."""

from __future__ import annotations

import ast
import io
import re
from pathlib import Path

import pytest
from django.conf import settings

from matching import services
from matching.loading import settings_for
from matching.models import ForbiddenPair, MentorRequest
from matching.rules import pairing_check
from relationships.models import Mentorship
from relationships.pairing import PairingRefused
from relationships.services import mentorship_close, mentorship_create
from tests.factories import enrol_person, person_from_email

pytestmark = pytest.mark.django_db


def check(world, mentor: str, mentee: str) -> str:
    people = world["people"]
    return " ".join(
        pairing_check(cohort=world["cohort"], mentor=people[mentor], mentee=people[mentee])
    )


# --- The rules ----------------------------------------------------------------------------------


def test_a_pair_outside_every_rule_may_be_formed(small_cohort):
    assert check(small_cohort, "zoe", "bob") == ""


def test_the_reporting_chain_rules_a_pair_out_at_any_depth(small_cohort):
    bob, zoe = small_cohort["people"]["bob"], small_cohort["people"]["zoe"]
    bob.manager = person_from_email("middle@example.org", manager=zoe)
    bob.save()
    assert "reporting line" in check(small_cohort, "zoe", "bob")
    assert "reporting line" in check(small_cohort, "max", "ann")  # Max manages Ann directly


def test_a_rejected_pair_and_an_ended_pair_are_ruled_out(small_cohort):
    cohort, people = small_cohort["cohort"], small_cohort["people"]
    ForbiddenPair.objects.create(cohort=cohort, mentee=people["bob"], mentor=people["zoe"])
    assert "a coordinator rejected this pair" in check(small_cohort, "zoe", "bob")
    pair = mentorship_create(cohort=cohort, mentor=people["max"], mentees=[people["cat"]])
    assert "already has a mentor" in check(small_cohort, "zoe", "cat")
    mentorship_close(mentorship=pair, actor=None, reason="not_a_good_fit")
    assert check(small_cohort, "zoe", "cat") == ""  # free again, with someone else
    assert "their mentorship in this cohort has ended" in check(small_cohort, "max", "cat")


def test_open_mentorships_use_up_the_mentors_slots(small_cohort):
    cohort, people = small_cohort["cohort"], small_cohort["people"]
    mentorship_create(cohort=cohort, mentor=people["zoe"], mentees=[people["bob"]])
    assert "Zoe Test has no free slot left" in check(small_cohort, "zoe", "cat")
    newcomers = [person_from_email(f"{name}@example.org") for name in ("dan", "eve")]
    for person in newcomers:
        enrol_person(cohort, person, "mentee")
    with pytest.raises(PairingRefused, match="Max Test has 2 free slot"):
        mentorship_create(cohort=cohort, mentor=people["max"], mentees=[people["cat"], *newcomers])


def test_the_programs_optional_rules_apply_to_a_single_pair(small_cohort):
    people = small_cohort["people"]
    settings = settings_for(small_cohort["cohort"].program)
    settings.exclude_same_department = True
    settings.max_tz_gap_hours = 3
    settings.save()
    people["cat"].department = "Engineering"
    people["cat"].save()
    assert "same department" in check(small_cohort, "zoe", "cat")
    for name, zone in (("bob", "America/Los_Angeles"), ("zoe", "Asia/Tokyo")):
        people[name].user.timezone = zone
        people[name].user.save()
    assert "time zones" in check(small_cohort, "zoe", "bob")


def test_only_approved_participants_in_their_role_can_be_paired(small_cohort, matching_cohort):
    small_cohort["enrolments"]["cat"].status = "withdrawn"
    small_cohort["enrolments"]["cat"].save()
    assert "not a mentee waiting" in check(small_cohort, "zoe", "cat")
    assert "not a mentor" in check(small_cohort, "bob", "cat")
    both = person_from_email("both@example.org")
    enrol_person(matching_cohort, both, "both")
    assert "same person" in " ".join(
        pairing_check(cohort=matching_cohort, mentor=both, mentee=both)
    )


# --- Every path that pairs people asks ---------------------------------------------------------


@pytest.fixture
def requests_on(small_cohort):
    program_settings = settings_for(small_cohort["cohort"].program)
    program_settings.requests_allowed = True
    program_settings.save()
    return small_cohort


def ask(world, mentee: str, mentor: str) -> MentorRequest:
    e = world["enrolments"]
    return services.mentor_request_create(mentee=e[mentee], mentor_enrolment_id=e[mentor].pk)


def test_accepting_a_request_rechecks_a_reporting_line_changed_since(requests_on):
    request = ask(requests_on, "bob", "zoe")
    # A re-import puts Bob under Zoe between the request and her answer.
    bob = requests_on["people"]["bob"]
    bob.manager = requests_on["people"]["zoe"]
    bob.save()
    with pytest.raises(PairingRefused, match="reporting line"):
        services.mentor_request_respond(request=request, accept=True)
    request.refresh_from_db()
    assert request.is_pending and not Mentorship.objects.exists()


def test_accepting_a_request_rechecks_a_rejection_made_since(requests_on):
    request = ask(requests_on, "bob", "zoe")
    people = requests_on["people"]
    ForbiddenPair.objects.create(
        cohort=requests_on["cohort"], mentee=people["bob"], mentor=people["zoe"]
    )
    with pytest.raises(PairingRefused, match="rejected"):
        services.mentor_request_respond(request=request, accept=True)
    assert not Mentorship.objects.exists()


def test_publishing_rechecks_every_pair(small_cohort):
    cohort = small_cohort["cohort"]
    run = services.match_run_create(cohort=cohort)
    proposal = run.proposals.select_related("mentee__person", "mentor__person").first()
    mentee = proposal.mentee.person
    mentee.manager = proposal.mentor.person  # a re-import after the run
    mentee.save()
    with pytest.raises(PairingRefused, match=r"reporting line.*Run matching again"):
        services.match_run_publish(run=run)
    run.refresh_from_db()
    assert run.is_draft and not Mentorship.objects.exists()


def test_pairing_by_hand_refuses_a_pair_that_has_ended(client, coordinator, small_cohort):
    from django.urls import reverse

    cohort, people = small_cohort["cohort"], small_cohort["people"]
    pair = mentorship_create(cohort=cohort, mentor=people["zoe"], mentees=[people["bob"]])
    mentorship_close(mentorship=pair, actor=None, reason="no_time")
    client.force_login(coordinator)
    response = client.post(
        reverse("relationships:mentorship_new", args=[cohort.slug]),
        {"mentor": people["zoe"].pk, "mentees": [people["bob"].pk]},
    )
    assert "their mentorship in this cohort has ended" in response.content.decode()
    assert Mentorship.objects.count() == 1


def test_the_demo_pairs_only_people_the_rules_allow(matching_cohort):
    from portal.demo import relationships as demo

    matching_cohort.slug = demo.COHORT
    matching_cohort.save()
    boss = person_from_email("boss@example.org")
    enrol_person(matching_cohort, boss, "mentor", capacity=1)
    enrol_person(
        matching_cohort, person_from_email("other-mentor@example.org"), "mentor", capacity=1
    )
    # The first mentee reports to the first mentor: pairing them in order would break the rule.
    enrol_person(matching_cohort, person_from_email("report@example.org", manager=boss), "mentee")
    enrol_person(matching_cohort, person_from_email("peer@example.org"), "mentee")
    pairs = demo._pairs(matching_cohort)
    assert len(pairs) == 2
    for pair in pairs:
        assert pair.mentees.get().manager_id != pair.mentor_id
    demo.seed(io.StringIO())  # and the whole seed still runs


def test_the_admin_cannot_pair_people_or_move_a_pair():
    from django.contrib import admin

    mentorship_admin = admin.site._registry[Mentorship]
    assert not mentorship_admin.has_add_permission(None)
    assert {"cohort", "mentor", "mentees"} <= set(mentorship_admin.readonly_fields)


# Who may be in a mentorship is written by one function; anything else that writes it skips the
# pairing rules. Benchmarks build synthetic data and are not a way into the product.
ONE_WRITER = ("relationships/services.py", "mentorships_create")
PAIRING_WRITES = re.compile(
    r"Mentorship\.objects\.(create|bulk_create|get_or_create|update_or_create)\b"
    r"|(?<!class )\bMentorship\("
    r"|\.mentees\.(add|set)\("
    r"|mentees\.through\.objects\.(create|bulk_create|get_or_create)\b"
    r"|\bmentorships?_as_mentee\.(add|set)\("
)
NOT_PRODUCT = {"tests", "benchmarks", "node_modules", "static", "templates", "var"}


def _enclosing_function(tree: ast.Module, line: int) -> str:
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.lineno <= line <= node.end_lineno:
            return node.name
    return ""


def test_only_one_function_writes_who_is_paired():
    root = Path(settings.BASE_DIR)
    found = []
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root)
        if relative.parts[0] in NOT_PRODUCT or relative.parts[0].startswith("."):
            continue
        if "migrations" in relative.parts:
            continue
        source = path.read_text()
        matches = list(PAIRING_WRITES.finditer(source))
        if not matches:
            continue
        tree = ast.parse(source)
        for match in matches:
            line = source.count("\n", 0, match.start()) + 1
            found.append((str(relative), _enclosing_function(tree, line), match.group(0)))
    assert found, "the scan found nothing: its patterns are out of date"
    strays = [hit for hit in found if hit[:2] != ONE_WRITER]
    assert strays == [], f"mentorships written outside {ONE_WRITER}: {strays}"


def test_the_one_writer_asks_the_rules_first(small_cohort):
    people = small_cohort["people"]
    with pytest.raises(PairingRefused, match="reporting line"):
        mentorship_create(
            cohort=small_cohort["cohort"], mentor=people["max"], mentees=[people["ann"]]
        )
    assert not Mentorship.objects.exists()
