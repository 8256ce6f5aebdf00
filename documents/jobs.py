"""The year's letters 1-213 as one PDF, printed in the background when there are many.

A committee signs up to ≈ 5,600 letters a year: ≈ 0.1 s a letter is minutes, longer than a web
request may take. Up to `settings.LETTERS_BATCH_INLINE_MAX` letters the view prints at once; above
it, `start` makes a `PrintJob` and enqueues `tasks.print_letters_of_year` on commit; `run` (in the
task worker, `manage.py db_worker`) reads the letters with the view's own query, under the scope
of the user's hat for that committee as it is when the task runs, lays them out with
`batch.render_parallel` on two processes and keeps the PDF under MEDIA_ROOT/print/ until
`settings.PRINT_JOB_KEEP_DAYS` have passed or a newer PDF of the same year is made.
"""

from __future__ import annotations

import datetime
import logging
import math
import time
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from books import access, clock
from books.models import IntroductionLetter, LetterStatus
from orgs.models import Organisation, OrgKind

from . import batch, content
from .models import WORKING, PrintJob, PrintStatus

logger = logging.getLogger(__name__)

TEMPLATE = "documents/letters.html"
# Layout processes of one job (the machine's two cores) and letters per process task.
WORKERS = 2
CHUNK = batch.CHUNK
# A job queued or running this long is taken as lost (the worker stopped): it fails, and may be started again.
STALE_AFTER = datetime.timedelta(hours=1)


class JobRefused(Exception):
    """Why the job cannot print, in words for the user."""


def year_letters(scope: access.Scope, committee_id: int, year: int) -> QuerySet[IntroductionLetter]:
    """The letters a committee signed in a year (not drafts), in number order: the start-of-year batch."""
    return content.letter_rows(
        access.letters(scope)
        .filter(issuing_committee_id=committee_id, year=year)
        .exclude(status=LetterStatus.DRAFT)
        .order_by("number", "pk")
    )


def minutes_for(count: int) -> int:
    """What the waiting page tells: ≈ 47 s for 1,000 letters on two quiet cores, rounded up, with a margin."""
    return max(1, math.ceil(count * 0.06 / 60))


def title(year: int) -> str:
    return f"Giấy giới thiệu năm {year}"


# --------------------------------------------------------------------------- in the web request


def start(*, user: Any, committee: Organisation, year: int, count: int) -> PrintJob:
    """The committee's job for the year that is still queued or running, or a new one (enqueued on commit)."""
    expire_stale()
    working = _working(committee, year)
    if working is not None:
        return working
    try:
        with transaction.atomic():
            job = PrintJob.objects.create(user=user, committee=committee, year=year, letter_count=count)
    except IntegrityError:  # another request started it a moment ago
        again = _working(committee, year)
        if again is None:
            raise
        return again
    from .tasks import print_letters_of_year

    pk = job.pk
    transaction.on_commit(lambda: print_letters_of_year.enqueue(pk))
    return job


def _working(committee: Organisation, year: int) -> PrintJob | None:
    return PrintJob.objects.filter(committee=committee, year=year, status__in=WORKING).order_by("-pk").first()


def fail_if_lost(job: PrintJob) -> PrintJob:
    """A job queued or running for longer than STALE_AFTER fails (its worker stopped); shown as such."""
    if job.state.is_working and clock.now() - job.created_at > STALE_AFTER:
        moved = PrintJob.objects.filter(pk=job.pk, status__in=WORKING).update(
            status=PrintStatus.FAILED,
            message=(
                f"Quá {int(STALE_AFTER.total_seconds() // 60)} phút mà chưa in xong: trình chạy nền có thể đã dừng. "
                "Hãy thử lại; nếu vẫn không được, báo quản trị hệ thống."
            ),
            finished_at=clock.now(),
        )
        if moved:
            job.refresh_from_db()
    return job


def expire_stale() -> int:
    """Delete the PDFs (and their jobs) finished more than PRINT_JOB_KEEP_DAYS ago; lost jobs fail."""
    now = clock.now()
    for lost in PrintJob.objects.filter(status__in=WORKING, created_at__lt=now - STALE_AFTER):
        fail_if_lost(lost)
    old = list(PrintJob.objects.filter(finished_at__lt=now - datetime.timedelta(days=settings.PRINT_JOB_KEEP_DAYS)))
    for job in old:
        job.drop_file()
        job.delete()
    return len(old)


# --------------------------------------------------------------------------- in the task worker


def job_scope(job: PrintJob) -> access.Scope:
    """What the user reaches wearing the committee's hat now (not when they clicked): the view's scope."""
    from accounts.roles import hats_of

    for hat in hats_of(job.user):
        organisation = hat.organisation
        if hat.kind == OrgKind.WORKPLACE_COMMITTEE and organisation is not None and organisation.pk == job.committee_id:
            scope = access.scope_for(job.user, hat)
            if job.committee_id in scope.workplace_committees:
                return scope
    raise JobRefused(
        f"Người yêu cầu không còn giữ vai trò ở {job.committee.name} nên không in. "
        "Người đang giữ vai trò hãy bấm in lại."
    )


def run(job: PrintJob) -> PrintJob:
    """QUEUED → RUNNING → DONE (the PDF kept) or FAILED (why, in words). Any other job: nothing."""
    moved = PrintJob.objects.filter(pk=job.pk, status=PrintStatus.QUEUED).update(status=PrintStatus.RUNNING)
    job.refresh_from_db()
    if not moved:
        return job
    started = time.perf_counter()
    try:
        letters = list(year_letters(job_scope(job), job.committee_id, job.year))
        if not letters:
            raise JobRefused(f"Năm {job.year} {job.committee.name} chưa ký giấy giới thiệu nào.")
        docs = content.letter_docs(letters)
        data = batch.render_parallel(TEMPLATE, docs, {"title": title(job.year)}, workers=WORKERS, chunk=CHUNK)
        job.file.save("letters.pdf", ContentFile(data), save=False)
    except JobRefused as refusal:
        return _failed(job, str(refusal), started)
    except Exception:
        logger.exception("print job %s (%s, %s) failed", job.pk, job.committee_id, job.year)
        return _failed(
            job,
            "Có lỗi khi dựng tệp PDF nên chưa in được. Hãy thử lại; nếu vẫn lỗi, báo quản trị hệ thống.",
            started,
        )
    job.record(
        status=PrintStatus.DONE,
        letter_count=len(docs),
        file=job.file.name,
        seconds=round(time.perf_counter() - started, 2),
        finished_at=clock.now(),
    )
    _drop_older(job)
    return job


def _failed(job: PrintJob, message: str, started: float) -> PrintJob:
    job.drop_file()
    job.record(
        status=PrintStatus.FAILED,
        message=message,
        file="",
        seconds=round(time.perf_counter() - started, 2),
        finished_at=clock.now(),
    )
    return job


def _drop_older(job: PrintJob) -> None:
    """The newer PDF of the year replaces the older ones of the committee (each one holds every letter)."""
    older = PrintJob.objects.filter(committee_id=job.committee_id, year=job.year, pk__lt=job.pk).exclude(
        status__in=WORKING
    )
    for old in older:
        old.drop_file()
        old.delete()
