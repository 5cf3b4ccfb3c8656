from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from jobs.models import Job


def jobs_visible_to(user) -> QuerySet[Job]:
    """A job is its starter's; site admins see every job. (What a job shows is its title,
    progress and outcome, which its starter saw anyway.)"""
    if not user.is_authenticated:
        return Job.objects.none()
    if user.is_superuser:
        return Job.objects.all()
    return Job.objects.filter(created_by=user)


def get_job_for_user(user, pk: int) -> Job:
    return get_object_or_404(jobs_visible_to(user), pk=pk)
