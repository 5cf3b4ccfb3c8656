"""One entry per audited action, and the log cannot be rewritten."""

from __future__ import annotations

from datetime import timedelta

import pytest
from allauth.mfa import signals as mfa_signals
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import audit_prune, record
from governance.services import scim_identity_save
from matching import services as matching
from programs.importing import cohort_import_participants
from programs.services import cohort_create, program_create
from relationships.models import Mentorship
from relationships.services import mentorship_close
from tests.matching.conftest import small_cohort  # noqa: F401

pytestmark = pytest.mark.django_db
Action = AuditEvent.Action


def rows(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action))


def test_a_sign_in_and_a_failed_one_are_recorded_with_the_address(client, make_user, password):
    user = make_user(email="ann@example.org")
    login = reverse("account_login")
    client.post(login, {"login": "ann@example.org", "password": "wrong"}, REMOTE_ADDR="10.1.2.3")
    client.post(login, {"login": "ann@example.org", "password": password}, REMOTE_ADDR="10.1.2.4")

    (failed,) = rows(Action.SIGN_IN_FAILED)
    assert (failed.object_label, failed.ip_address, failed.actor) == (
        "ann@example.org",
        "10.1.2.3",
        None,
    )
    (signed_in,) = rows(Action.SIGN_IN)
    assert (signed_in.actor, signed_in.ip_address) == (user, "10.1.2.4")
    assert "wrong" not in str(failed.detail) and password not in str(signed_in.detail)


def test_two_factor_changes_are_recorded(rf, make_user):
    user = make_user(email="ann@example.org")
    request = rf.post("/")
    request.user = user
    authenticator = type("Authenticator", (), {"type": "totp"})()
    for signal, action in (
        (mfa_signals.authenticator_added, Action.MFA_ADDED),
        (mfa_signals.authenticator_removed, Action.MFA_REMOVED),
        (mfa_signals.authenticator_reset, Action.MFA_RECOVERY_CODES),
    ):
        signal.send(sender=object, request=request, user=user, authenticator=authenticator)
        (row,) = rows(action)
        assert (row.actor, row.object_id, row.detail) == (user, str(user.pk), {"type": "totp"})


def test_role_and_permission_changes_are_recorded(make_user):
    user = make_user(email="ann@example.org")
    user.is_staff = True
    user.is_hr_viewer = True
    user.save()
    (row,) = rows(Action.ROLE_CHANGED)
    assert row.detail == {"is_staff": True, "is_hr_viewer": True}
    user.first_name = "Ann"
    user.save()  # not a role: no entry
    assert len(rows(Action.ROLE_CHANGED)) == 1

    permission = Permission.objects.get(codename="manage_directory")
    user.user_permissions.add(permission)
    user.user_permissions.add(permission)  # already there: nothing changes, nothing recorded
    assert [r.detail for r in rows(Action.ROLE_CHANGED)] == [
        {"user_permissions": "add"},
        {"is_staff": True, "is_hr_viewer": True},
    ]

    prog = program_create(name="P", slug="p", coordinators=[user])
    assert [r.object_id for r in rows(Action.COORDINATOR_ADDED)] == [str(user.pk)]
    prog.coordinators.remove(user)
    assert rows(Action.COORDINATOR_REMOVED)[0].detail == {"program": prog.pk}


def test_a_confirmed_import_is_recorded_and_a_preview_is_not(make_user):
    coordinator_ = make_user(email="bea@example.org")
    program_ = program_create(name="P", slug="p", coordinators=[coordinator_])
    cohort_ = cohort_create(program=program_, name="C", slug="c")
    data = b"email,first_name,last_name,role\nmia@example.org,Mia,New,mentee\n"
    cohort_import_participants(cohort=cohort_, data=data, by=coordinator_, dry_run=True)
    assert rows(Action.IMPORT_CONFIRMED) == []
    report = cohort_import_participants(cohort=cohort_, data=data, by=coordinator_)
    assert report.ok
    (row,) = rows(Action.IMPORT_CONFIRMED)
    assert (row.actor, row.object_type, row.object_id) == (
        coordinator_,
        "programs.cohort",
        str(cohort_.pk),
    )


def test_publishing_a_match_is_recorded(small_cohort, coordinator):  # noqa: F811
    run = matching.match_run_create(cohort=small_cohort["cohort"])
    matching.match_run_publish(run=run, user=coordinator)
    (row,) = rows(Action.MATCHING_PUBLISHED)
    assert row.actor == coordinator and row.detail == {"run": run.pk, "pairs": 3}


def test_a_pair_closing_is_recorded_without_its_comment(make_pair):
    pair = make_pair()
    actor = pair.mentor.user
    mentorship_close(mentorship=pair, actor=actor, reason="no_time", comment="SENTINEL-comment")
    (row,) = rows(Action.PAIR_CLOSED)
    assert (row.actor, row.object_id) == (actor, str(pair.pk))
    assert row.detail == {"status": Mentorship.Status.CLOSED, "reason": "no_time"}
    assert "SENTINEL" not in str(row.__dict__)


def test_report_views_and_every_download_are_recorded(client, make_user):
    hr = make_user(email="hr@example.org", is_hr_viewer=True)
    client.force_login(hr)
    assert client.get(reverse("reports:participation")).status_code == 200
    assert rows(Action.REPORT_VIEWED)[0].object_type == "reports:participation"
    response = client.get(reverse("reports:report_export", args=["csv"]))
    assert response.status_code == 200
    (download,) = rows(Action.DOWNLOAD)
    assert (download.actor, download.object_type) == (hr, "reports:report_export")
    assert download.object_label.endswith(".csv")


def test_scim_changes_are_recorded():
    identity = scim_identity_save(
        identity=None,
        user_name="lena",
        external_id="",
        email="lena@example.org",
        first_name="Lena",
        last_name="L",
        active=True,
        department="",
        manager_id=None,
        resource={},
    )
    (row,) = rows(Action.SCIM_CHANGE)
    assert row.object_id == str(identity.user_id) and row.detail["op"] == "create"


def test_a_change_in_the_admin_is_recorded_as_a_settings_change(make_user):
    admin = make_user(email="admin@example.org", is_staff=True, is_superuser=True)
    program_ = program_create(name="P", slug="p")
    LogEntry.objects.log_actions(admin.pk, [program_], CHANGE, single_object=True)
    (row,) = rows(Action.SETTINGS_CHANGED)
    assert (row.actor, row.object_type, row.object_id) == (
        admin,
        "programs.program",
        str(program_.pk),
    )


def test_the_log_is_append_only():
    row = record(Action.SIGN_IN, object_label="x")
    row.object_label = "changed"
    with pytest.raises(PermissionError):
        row.save()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=row.pk).update(object_label="changed")
    with pytest.raises(PermissionError):
        row.delete()
    assert AuditEvent.objects.get().object_label == "x"


def test_site_admins_read_and_export_it_but_cannot_change_it(client, make_user):
    admin = make_user(email="admin@example.org", is_staff=True, is_superuser=True)
    row = record(Action.SIGN_IN, object_label="=HYPERLINK(1)")
    client.force_login(admin)
    changelist = reverse("admin:audit_auditevent_changelist")
    assert client.get(changelist, {"action__exact": "sign_in"}).status_code == 200
    exported = client.post(changelist, {"action": "export_csv", "_selected_action": [row.pk]})
    assert exported["Content-Type"].startswith("text/csv")
    assert "'=HYPERLINK(1)" in exported.content.decode()
    page = client.get(reverse("admin:audit_auditevent_change", args=[row.pk]))
    assert b'name="object_label"' not in page.content
    assert client.post(reverse("admin:audit_auditevent_delete", args=[row.pk])).status_code == 403
    assert AuditEvent.objects.filter(pk=row.pk).exists()


def test_staff_who_are_not_superusers_do_not_see_it(client, make_user):
    client.force_login(make_user(email="staff@example.org", is_staff=True))
    assert client.get(reverse("admin:audit_auditevent_changelist")).status_code == 403


def test_retention_prunes_entries_older_than_the_setting(settings):
    settings.AUDIT_RETENTION_DAYS = 30
    AuditEvent.objects.create(
        action=Action.SIGN_IN, object_label="old", at=timezone.now() - timedelta(days=31)
    )
    record(Action.SIGN_IN, object_label="new")
    assert audit_prune() == 1
    assert list(AuditEvent.objects.values_list("object_label", flat=True)) == ["new"]
    settings.AUDIT_RETENTION_DAYS = 0
    AuditEvent.objects.create(action=Action.SIGN_IN, at=timezone.now() - timedelta(days=900))
    assert audit_prune() == 0


def test_the_daily_prune_is_registered_with_beat():
    from django.core.management import call_command
    from django_celery_beat.models import PeriodicTask

    from audit.tasks import prune

    call_command("setup_schedules")
    call_command("setup_schedules")
    (task,) = PeriodicTask.objects.filter(task="audit.tasks.prune")
    assert task.interval.every == 1 and task.interval.period == "days"
    assert prune.name == "audit.tasks.prune"


def test_a_change_to_a_programs_matching_settings_is_recorded(client, coordinator, program):
    client.force_login(coordinator)
    url = reverse("matching:settings", args=[program.slug])
    data = {
        "weight_expertise": 50,
        "weight_seniority": 0,
        "weight_department": 10,
        "weight_language": 10,
        "weight_timezone": 10,
        "weight_format": 0,
        "department_preference": "same",
        "max_tz_gap_hours": 4,
        "max_requests": 2,
        "request_expiry_days": 7,
    }
    assert client.post(url, data, REMOTE_ADDR="10.9.8.7").status_code == 302
    (row,) = rows(Action.SETTINGS_CHANGED)
    assert (row.actor, row.object_id, row.ip_address) == (coordinator, str(program.pk), "10.9.8.7")
    assert row.detail["settings"] == "matching" and "weight_expertise" in row.detail["fields"]


def test_every_api_read_is_recorded_as_an_export(client, make_user):
    admin = make_user(email="admin@example.org", is_staff=True, is_superuser=True)
    client.force_login(admin)
    response = client.get("/api/v1/programs/")
    assert response.status_code == 200, response.content[:200]
    (row,) = rows(Action.DOWNLOAD)
    assert (row.actor, row.object_type, row.object_label) == (
        admin,
        "api:program_list",
        "/api/v1/programs/",
    )
    client.get("/api/v1/schema/")
    assert len(rows(Action.DOWNLOAD)) == 1


def test_a_cohort_saved_with_changes_is_recorded_and_saved_unchanged_is_not(client, coordinator):
    cohort = cohort_create(
        program=program_create(name="P", slug="p", coordinators=[coordinator]),
        name="Spring",
        slug="spring",
    )
    client.force_login(coordinator)
    url = reverse("programs:cohort_edit", args=[cohort.slug])
    unchanged = {"name": "Spring", "start_date": "", "end_date": ""}
    unchanged |= {"enrolment_opens": "", "enrolment_closes": ""}
    assert client.post(url, unchanged).status_code == 302
    assert rows(Action.SETTINGS_CHANGED) == []
    assert client.post(url, unchanged | {"name": "Spring 2027"}).status_code == 302
    (row,) = rows(Action.SETTINGS_CHANGED)
    assert (row.actor, row.object_id) == (coordinator, str(cohort.pk))
    assert row.detail == {"settings": "cohort", "fields": ["name"]}
