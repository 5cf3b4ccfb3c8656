"""Who may read reports, and over which programs: 404 for everyone else."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from programs.access import programs_coordinated_by
from programs.models import Program


def report_programs(user) -> QuerySet[Program] | None:
    """The programs a reader's reports cover; None: the whole organisation (HR viewers).

    Coordinators see their own programs (site admins run every program); anyone else: 404."""
    if user.is_authenticated and user.is_hr_viewer:
        return None
    programs = programs_coordinated_by(user)
    if not programs.exists():
        raise Http404
    return programs


def pair_list_programs(user) -> QuerySet[Program]:
    """The pair-level list is for the programs a person coordinates, HR viewer or not."""
    programs = programs_coordinated_by(user)
    if not programs.exists():
        raise Http404
    return programs
