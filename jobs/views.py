from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jobs import services
from jobs.access import get_job_for_user


def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The job's progress; htmx polls it for the status part alone while the job is active."""
    job = get_job_for_user(request.user, pk)
    if job.is_active and services.jobs_scan(job_ids=[job.pk]):
        # Its worker died (or the broker lost it): it was handed out again or ended.
        job.refresh_from_db()
    context = {"job": job}
    if request.htmx:
        return render(request, "jobs/includes/job_status.html", context)
    return render(request, "jobs/job_detail.html", context)


@require_POST
def job_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_job_for_user(request.user, pk)
    if services.job_cancel(job=job):
        messages.info(
            request, _("Cancelling “%(title)s”; nothing it did is kept.") % {"title": job.title}
        )
    else:
        messages.warning(request, _("Too late to cancel: the job has finished or is saving."))
    return redirect("jobs:detail", pk=job.pk)
