"""Background tasks of the printed documents (django.tasks; `manage.py db_worker` runs them)."""

from __future__ import annotations

from django.tasks import task

from . import jobs
from .models import PrintJob


@task()
def print_letters_of_year(job_id: int) -> str:
    """Lay out every letter 1-213 of a committee's year as one PDF (documents.jobs.run); a job
    already done, failed or running is left as it is."""
    job = PrintJob.objects.select_related("committee", "user").filter(pk=job_id).first()
    if job is None:  # deleted meanwhile (expired, or replaced by a newer PDF)
        return "missing"
    return jobs.run(job).status
