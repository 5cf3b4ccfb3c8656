from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from reports.management.commands.participation_report import Command


def run(capsys, *args: str) -> tuple[int, str]:
    with pytest.raises(SystemExit) as exit_info:
        Command().run_from_argv(["manage.py", "participation_report", *args])
    return exit_info.value.code, capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--program", "nope"], "No program with the slug 'nope'"),
        (["--cohort", "nope"], "No cohort with the slug 'nope'"),
        (["--department", "Nowhere"], "No one works in a department called 'Nowhere'"),
        (["--since", "2027-13"], "--since '2027-13' is not a month; use YYYY-MM"),
        (["--until", "yesterday"], "--until 'yesterday' is not a month"),
        (["--since", "2027-06-01"], "ranges are whole months"),
        (["--since", "2027-06", "--until", "2027-05"], "--until comes before --since"),
        (["--format", "xlsx"], "--format xlsx needs --out FILE"),
        (["--format", "pdf"], "invalid choice: 'pdf'"),
        (["--colour", "red"], "unrecognized arguments: --colour"),
    ],
)
def test_bad_arguments_exit_2_with_a_clear_message(org, capsys, args, message):
    code, err = run(capsys, *args)
    assert code == 2
    assert message in err


def test_cohort_of_another_program_is_refused(org, other_coordinator, capsys):
    code, err = run(capsys, "--program", "theirs", "--cohort", "ours-2027")
    assert code == 2
    assert "is not in the program 'theirs'" in err


def test_json_holds_every_figure_with_suppression(org, settings):
    settings.REPORTS_MIN_GROUP_SIZE = 2
    out = io.StringIO()
    call_command("participation_report", "--format", "json", "--program", "ours", stdout=out)
    data = json.loads(out.getvalue())
    assert data["min_group_size"] == 2
    assert data["overall"]["nps"] == 20
    assert data["overall"]["pairs_completed"] == "fewer than 2"
    assert data["by_department"]["Sales"]["nps"] == 67
    assert data["by_seniority"]["7-10"]["mentors_enrolled"] == 3
    assert data["sessions_per_period"] == [{"period": "2027-03 to 2027-06", "sessions": 6}]
    assert data["not_for_this_range_as"] == "not for this range"


def test_out_file_gets_the_csv(org, tmp_path, settings):
    settings.REPORTS_MIN_GROUP_SIZE = 2
    target = tmp_path / "report.csv"
    call_command("participation_report", "--since", "2027-06", "--out", str(target))
    text = target.read_text().replace("\r\n", "\n")
    assert "filter,From,,2027-06\n" in text
    assert "overall,All,Pairs closed early,1\n" in text
