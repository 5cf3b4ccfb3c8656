"""Programs' long work, done by a worker: a participant import a coordinator confirmed."""

from __future__ import annotations

from django.utils.translation import gettext as _

from core.errors import DomainError
from jobs.models import Job
from jobs.progress import Progress
from jobs.registry import kind
from programs.importing import JOB_IMPORT, cohort_import_participants
from programs.models import ParticipantImport

# The result names this many people whose directory data was kept, then counts the rest.
KEPT_LISTED = 10


@kind(JOB_IMPORT)
def participant_import_job(job: Job, progress: Progress) -> dict:
    pending = (
        ParticipantImport.objects.select_related("cohort__program")
        .filter(pk=job.target_id, applied_at=None)
        .first()
    )
    if pending is None:
        raise DomainError(_("This upload was imported already or is gone; nothing was written."))
    cohort = pending.cohort
    report = cohort_import_participants(
        cohort=cohort,
        data=pending.content.encode("utf-8"),
        by=job.created_by,
        pending=pending,
        progress=progress,
    )
    if not report.ok:
        raise DomainError(_("The directory changed since the preview; nothing was written."))
    kept = [row for row in report.rows if row.kept]
    warnings = [f"{row.email}: {row.kept_message}" for row in kept[:KEPT_LISTED]]
    if len(kept) > KEPT_LISTED:
        warnings.append(
            _("… and %(count)s more people whose directory data was kept.")
            % {"count": len(kept) - KEPT_LISTED}
        )
    return {
        "summary": _("Imported: %(summary)s") % {"summary": report.summary},
        "warnings": warnings,
        "url": cohort.get_absolute_url(),
    }
