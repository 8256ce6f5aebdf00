"""The year's letters 1-213 in one PDF: at once for a small year, as a background job for a large
one, with a page that waits for it (docs/documents.md, docs/performance.md "PDFs").

The threshold is lowered to 2 so the cast's three letters go the background way. The task runs
synchronously (django.tasks' ImmediateBackend) once the request's transaction commits; only one
test lays the letters out with the real two-process pool, the others render in this process or
never reach the renderer."""

from __future__ import annotations

import datetime
import io

import pytest
import time_machine
from django.urls import reverse
from pypdf import PdfReader

from books import actions
from documents import batch, jobs
from documents.models import PrintJob, PrintStatus
from documents.tasks import print_letters_of_year
from orgs.models import RoleAssignment

START = reverse("documents:letters_of_year")
NAMES = ("Đỗ Thị Ữ Một", "Đặng Văn Ộ Hai", "Bùi Thị Ệ Ba")


@pytest.fixture(autouse=True)
def background(settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.LETTERS_BATCH_INLINE_MAX = 2


@pytest.fixture
def letters(cast):
    """Three letters the Sở Tài chính committee signed on 5 January 2026."""
    with time_machine.travel(datetime.date(2026, 1, 5)):
        members = [cast.member_factory(full_name=name) for name in NAMES]
        return actions.issue_letters(members, by=cast.finance_clerk)


def as_user(client, user):
    client.force_login(user)
    return client


def start(client, django_capture_on_commit_callbacks, *, run=True, year="2026"):
    """Click the button; the worker runs the task after the commit when `run`."""
    with django_capture_on_commit_callbacks(execute=run):
        return client.get(START, {"nam": year})


def the_job():
    return PrintJob.objects.select_related("committee").get()


# --------------------------------------------------------------------------- the way through


def test_a_large_year_is_printed_in_the_background_and_the_page_offers_the_pdf_when_done(
    client, cast, letters, django_capture_on_commit_callbacks
):
    as_user(client, cast.finance_clerk)
    response = start(client, django_capture_on_commit_callbacks, run=False)
    job = the_job()
    assert response.status_code == 302
    assert response["Location"] == reverse("documents:letters_job", args=[job.token])
    assert (job.status, job.letter_count, job.year, job.committee) == (PrintStatus.QUEUED, 3, 2026, cast.finance)

    waiting = client.get(response["Location"]).content.decode()
    assert "Đang chuẩn bị 3 giấy giới thiệu năm 2026…" in waiting
    assert 'hx-trigger="every 3s"' in waiting
    assert reverse("documents:letters_job_file", args=[job.token]) not in waiting
    # the PDF asked for too early: back to the page that waits
    early = client.get(reverse("documents:letters_job_file", args=[job.token]))
    assert early.status_code == 302 and early["Location"] == response["Location"]

    assert print_letters_of_year.call(job.pk) == PrintStatus.DONE  # what the worker does
    job.refresh_from_db()
    assert job.file.name == f"print/{job.token}.pdf" and job.seconds is not None and job.finished_at

    polled = client.get(response["Location"], headers={"HX-Request": "true"}).content.decode()
    assert polled.startswith('<div id="in-trang-thai"') and "every 3s" not in polled
    assert "Đã xong: 3 giấy giới thiệu năm 2026" in polled
    download = client.get(reverse("documents:letters_job_file", args=[job.token]))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == 'inline; filename="giay-gioi-thieu-nam-2026-dang-uy-so-tai-chinh.pdf"'
    reader = PdfReader(io.BytesIO(b"".join(download.streaming_content)))
    assert len(reader.pages) == 3
    texts = [" ".join(page.extract_text().split()) for page in reader.pages]
    for name, letter, text in zip(NAMES, letters, texts, strict=True):
        assert name.upper() in text.upper() and f"Số {letter.number}" in text

    # the task run again (a retried delivery) leaves the done job as it is
    assert print_letters_of_year.call(job.pk) == PrintStatus.DONE
    assert PrintJob.objects.get(pk=job.pk).finished_at == job.finished_at


def test_the_background_job_lays_the_letters_out_on_two_processes(
    client, cast, letters, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(jobs, "CHUNK", 1)  # three chunks: the spawn pool of documents.batch, for real
    merged = []
    merge = batch.merge
    monkeypatch.setattr(batch, "merge", lambda parts: merged.append(len(parts)) or merge(parts))
    as_user(client, cast.finance_secretary)
    start(client, django_capture_on_commit_callbacks)
    job = the_job()
    assert job.status == PrintStatus.DONE, job.message
    assert merged == [3]  # three PDFs laid out by the pool's processes, joined
    with job.file.open("rb") as stored:
        reader = PdfReader(stored)
        assert len(reader.pages) == 3
        assert NAMES[2].upper() in reader.pages[2].extract_text().upper()


def test_a_year_at_or_under_the_threshold_still_gives_the_pdf_at_once(
    client, cast, letters, settings, django_capture_on_commit_callbacks
):
    settings.LETTERS_BATCH_INLINE_MAX = 3
    as_user(client, cast.finance_clerk)
    response = start(client, django_capture_on_commit_callbacks, run=False)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert len(PdfReader(io.BytesIO(response.content)).pages) == 3
    assert not PrintJob.objects.exists()


def test_starting_the_same_year_again_while_it_is_on_its_way_returns_to_that_job(
    client, cast, letters, django_capture_on_commit_callbacks
):
    as_user(client, cast.finance_clerk)
    first = start(client, django_capture_on_commit_callbacks, run=False)
    # another user of the same committee clicks too
    second = start(as_user(client, cast.finance_secretary), django_capture_on_commit_callbacks, run=False)
    assert second["Location"] == first["Location"]
    assert PrintJob.objects.count() == 1


def test_a_job_that_failed_says_so_and_offers_to_try_again(
    client, cast, letters, django_capture_on_commit_callbacks, monkeypatch
):
    def broken(*args, **kwargs):
        raise RuntimeError("WeasyPrint hỏng")

    monkeypatch.setattr("documents.batch.render_parallel", broken)
    as_user(client, cast.finance_clerk)
    response = start(client, django_capture_on_commit_callbacks)
    job = the_job()
    assert (job.status, job.file.name) == (PrintStatus.FAILED, "")
    page = client.get(response["Location"]).content.decode()
    assert "Có lỗi khi dựng tệp PDF nên chưa in được. Hãy thử lại" in page
    assert f'href="{START}?nam=2026"' in page and "Thử lại" in page and "every 3s" not in page
    assert client.get(reverse("documents:letters_job_file", args=[job.token])).status_code == 302
    # trying again is a new job; once it is done, the failed one is gone
    monkeypatch.undo()
    monkeypatch.setattr(
        "documents.batch.render_parallel", lambda template, docs, context, **kw: b"%PDF-1.7 " + str(len(docs)).encode()
    )
    again = start(client, django_capture_on_commit_callbacks)
    assert again["Location"] != response["Location"]
    assert list(PrintJob.objects.values_list("status", flat=True)) == [PrintStatus.DONE]


def test_the_task_reads_the_letters_with_the_users_hat_as_it_is_when_it_runs(
    client, cast, letters, django_capture_on_commit_callbacks
):
    as_user(client, cast.finance_clerk)
    start(client, django_capture_on_commit_callbacks, run=False)
    RoleAssignment.objects.filter(user=cast.finance_clerk).update(valid_until=datetime.date(2026, 11, 1))
    job = the_job()
    assert print_letters_of_year.call(job.pk) == PrintStatus.FAILED
    job.refresh_from_db()
    assert "không còn giữ vai trò ở Đảng ủy Sở Tài chính" in job.message


def test_a_job_lost_by_a_stopped_worker_fails_after_an_hour(client, cast, letters, django_capture_on_commit_callbacks):
    as_user(client, cast.finance_clerk)
    response = start(client, django_capture_on_commit_callbacks, run=False)
    PrintJob.objects.update(created_at=jobs.clock.now() - datetime.timedelta(minutes=61))
    page = client.get(response["Location"]).content.decode()
    assert "Quá 60 phút mà chưa in xong" in page and "every 3s" not in page
    assert the_job().status == PrintStatus.FAILED


# --------------------------------------------------------------------------- who sees a job


def test_another_committee_gets_404_and_a_wrong_hat_403(client, cast, letters, django_capture_on_commit_callbacks):
    as_user(client, cast.finance_clerk)
    start(client, django_capture_on_commit_callbacks, run=False)
    job = the_job()
    urls = (reverse("documents:letters_job", args=[job.token]), reverse("documents:letters_job_file", args=[job.token]))
    as_user(client, cast.health_secretary)
    assert [client.get(url).status_code for url in urls] == [404, 404]
    for user in (cast.finance_cell_secretary, cast.lc_clerk, cast.board_officer, cast.member_user):
        as_user(client, user)
        assert [client.get(url).status_code for url in urls] == [403, 403]
    client.logout()
    assert all(client.get(url).status_code == 302 for url in urls)
