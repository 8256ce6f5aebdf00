"""Printed documents as PDF, and the public verification page.

Each print view authorises exactly like the screen its button sits on (the same hats, the same
`books.access` querysets: another committee's object is a 404, a wrong hat a 403, an anonymous
visitor goes to the login page). The verification page is public and says nothing personal.
"""

from __future__ import annotations

from typing import cast

from django.conf import settings
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_GET

import privacy
from books import access, clock
from books.models import (
    Book,
    CommentRequest,
    CommentStatus,
    Event,
    IntroductionLetter,
    RegulationProfile,
    Term,
)
from orgs.models import OrgKind
from web.common import hat_of, hat_required, scope_of

from . import content, jobs, pdf
from .jobs import year_letters
from .models import PrintJob, PrintStatus, Verification
from .report import report_doc
from .verification import finding_for, normalise, printed

app_name = "documents"

WORKPLACE = (OrgKind.WORKPLACE_COMMITTEE, OrgKind.WORKPLACE_CELL)
BACK = (CommentStatus.RETURNED, CommentStatus.ACKNOWLEDGED)


def _back_at_workplace(request: CommentRequest) -> bool:
    """The workplace side and the member read a comment once the residence committee sent it back."""
    return request.status in BACK


# --------------------------------------------------------------------------- mẫu 1-213


@hat_required(*WORKPLACE)
@require_GET
def letter(request: HttpRequest, pk: int) -> HttpResponse:
    """One letter 1-213 (the member page: committee and workplace cell, like the screen)."""
    found = access.get_visible(content.letter_rows(access.letters(scope_of(request))), pk)
    docs = content.letter_docs([found])
    title = f"Giấy giới thiệu số {found.display_number}"
    data = pdf.render_pdf("documents/letters.html", {"docs": docs, "title": title})
    return pdf.pdf_response(data, pdf.filename("giay-gioi-thieu", found.display_number, found.full_name))


@hat_required(OrgKind.WORKPLACE_COMMITTEE)
@require_GET
def letters_of_year(request: HttpRequest) -> HttpResponse:
    """Every letter the committee signed this year (or ?nam=YYYY), as one PDF to print and send.

    Up to LETTERS_BATCH_INLINE_MAX letters: the PDF at once. More: a background job (documents.jobs)
    and its page, which waits for the PDF; the same committee and year already on its way: that job.
    """
    today = clock.today()
    try:
        year = int(request.GET.get("nam", today.year))
    except ValueError:
        year = today.year
    if not 2000 <= year <= 2100:
        year = today.year
    committee = hat_of(request).organisation
    assert committee is not None
    letters = year_letters(scope_of(request), committee.pk, year)
    count = letters.count()
    if not count:
        return render(
            request,
            "documents/screens/nothing.html",
            {"what": f"Năm {year} {committee.name} chưa ký giấy giới thiệu nào."},
            status=404,
        )
    if count > settings.LETTERS_BATCH_INLINE_MAX:
        job = jobs.start(user=request.user, committee=committee, year=year, count=count)
        return redirect("documents:letters_job", token=job.token)
    docs = content.letter_docs(list(letters))
    data = pdf.render_pdf(jobs.TEMPLATE, {"docs": docs, "title": jobs.title(year)})
    return pdf.pdf_response(data, _year_filename(year, committee.name))


def _year_filename(year: int, committee_name: str) -> str:
    return pdf.filename("giay-gioi-thieu-nam", str(year), committee_name)


def _committee_job(request: HttpRequest, token: str) -> PrintJob:
    """A job of the hat's committee (whoever of it started it); any other: 404."""
    committee = hat_of(request).organisation
    job = (
        PrintJob.objects.filter(token=token, committee_id=committee.pk if committee else 0)
        .select_related("committee")
        .first()
    )
    if job is None or job.committee_id not in scope_of(request).workplace_committees:
        raise Http404("Không tìm thấy tệp in này.")
    return jobs.fail_if_lost(job)


@hat_required(OrgKind.WORKPLACE_COMMITTEE)
@require_GET
def letters_job(request: HttpRequest, token: str) -> HttpResponse:
    """The page that waits for the year's PDF (htmx polls its state) and then offers it."""
    job = _committee_job(request, token)
    context = {"job": job, "year": str(job.year), "minutes": jobs.minutes_for(job.letter_count)}
    if request.headers.get("HX-Request"):
        return render(request, "documents/screens/partials/letters_job.html", context)
    return render(request, "documents/screens/letters_job.html", context)


@hat_required(OrgKind.WORKPLACE_COMMITTEE)
@require_GET
def letters_job_file(request: HttpRequest, token: str) -> HttpResponse:
    """The year's PDF once made; before that (or when it failed), back to its page."""
    job = _committee_job(request, token)
    if job.status != PrintStatus.DONE or not job.file:
        return redirect("documents:letters_job", token=job.token)
    try:
        handle = job.file.open("rb")
    except FileNotFoundError:
        raise Http404("Tệp in đã bị xóa; hãy bấm in lại.") from None
    response = FileResponse(handle, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{_year_filename(job.year, job.committee.name)}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return cast(HttpResponse, response)  # streamed (tens of MB at national scale); typed for hat_required


# --------------------------------------------------------------------------- mẫu 3-213


@hat_required(*WORKPLACE, OrgKind.RESIDENCE_COMMITTEE)
@require_GET
def comment(request: HttpRequest, pk: int) -> HttpResponse:
    """One comment form 3-213: from the member page (the comment once sent back) or from the
    residence committee's comments to certify (the comment as the cell signed it)."""
    found = access.get_visible(content.comment_rows(access.comments(scope_of(request))), pk)
    residence = hat_of(request).kind == OrgKind.RESIDENCE_COMMITTEE
    docs = content.comment_docs([found], show_comment=True if residence else _back_at_workplace)
    data = pdf.render_pdf("documents/comments.html", {"docs": docs, "title": f"Phiếu nhận xét năm {found.year}"})
    return pdf.pdf_response(data, pdf.filename("phieu-nhan-xet", str(found.year), found.book.member.full_name))


# --------------------------------------------------------------------------- the whole book


def book_pdf_bytes(book: Book, scope: access.Scope | None) -> bytes:
    """The whole book; `scope` None only for the archiving command (run by the server's operator)."""
    letters: QuerySet[IntroductionLetter]
    comments: QuerySet[CommentRequest]
    events: QuerySet[Event]
    if scope is None:
        letters = IntroductionLetter.objects.filter(book=book)
        comments = CommentRequest.objects.filter(book=book)
        events = book.events.all()
    else:
        letters = access.letters(scope).filter(book=book)
        comments = access.comments(scope).filter(book=book)
        events = access.events(scope).filter(book=book)
    doc = content.book_doc(
        book,
        letters,
        comments,
        events.select_related("actor_org").order_by("at", "pk"),
        show_comment=_back_at_workplace,
        printed_on=clock.today(),
    )
    return pdf.render_pdf("documents/book.html", {"b": doc})


BOOK_ROWS = ("term", "profile", "holder__parent", "member__workplace_cell__parent", "member__residence_commune__parent")


@hat_required(*WORKPLACE, "member")
@require_GET
def book(request: HttpRequest, pk: int) -> HttpResponse:
    """The whole book of a term: the workplace side that holds it, and the member for their own."""
    found = access.get_visible(access.books(scope_of(request)).select_related(*BOOK_ROWS), pk)
    data = book_pdf_bytes(found, scope_of(request))
    privacy.record_view(request, found.member, what="pdf")
    term = found.term
    return pdf.pdf_response(
        data, pdf.filename("so-lien-he", found.member.full_name, f"{term.start_year}-{term.end_year}")
    )


# --------------------------------------------------------------------------- the register


@hat_required(OrgKind.RESIDENCE_COMMITTEE)
@require_GET
def register(request: HttpRequest) -> HttpResponse:
    """The register (sổ theo dõi), landscape, with the screen's filters and every row (no pages)."""
    from web.cell import entry_rows
    from web.residence import RegisterFilter, _workplace_committees, attach_comment_columns, residence_cells

    scope = scope_of(request)
    rows = access.register(scope)
    filters = RegisterFilter(
        request.GET or None, cells=residence_cells(request, active_only=False), committees=_workplace_committees(rows)
    )
    entries = list(entry_rows(filters.apply(rows)))
    term = Term.current()
    years = term.years if term else []
    attach_comment_columns(request, entries, years)
    committee = hat_of(request).organisation
    today = clock.today()
    subtitle = f"Nhiệm kỳ {term.start_year}–{term.end_year}" if term else ""
    context = {
        "header": content.header_of(committee, today),
        "subtitle": subtitle,
        "rows": content.register_rows(entries, years),
        "years": years,
        "printed_on": today,
        "title": "Sổ theo dõi",
    }
    data = pdf.render_pdf("documents/register.html", context)
    return pdf.pdf_response(data, pdf.filename("so-theo-doi", committee.name if committee else "", str(today)))


# --------------------------------------------------------------------------- the board's report


@hat_required(OrgKind.PROVINCE_BOARD)
@require_GET
def report(request: HttpRequest) -> HttpResponse:
    board = hat_of(request).organisation
    author = request.user.get_full_name() or request.user.get_username()  # type: ignore[union-attr]
    doc = report_doc(scope_of(request), board, clock.today(), author)
    data = pdf.render_pdf("documents/report.html", {"r": doc})
    return pdf.pdf_response(data, pdf.filename("bao-cao-213", str(doc.year), str(doc.today)))


# --------------------------------------------------------------------------- blank forms


BLANK_HATS = (
    OrgKind.WORKPLACE_COMMITTEE,
    OrgKind.WORKPLACE_CELL,
    OrgKind.RESIDENCE_COMMITTEE,
    OrgKind.RESIDENCE_CELL,
    OrgKind.PROVINCE_BOARD,
    OrgKind.UPPER_COMMITTEE,
)


@hat_required(*BLANK_HATS)
@require_GET
def blank(request: HttpRequest, form: str) -> HttpResponse:
    """Mẫu 1-213 or 3-213 to fill by hand, with the committee's header when the hat has one."""
    committee = hat_of(request).organisation
    if committee is not None and committee.kind not in (OrgKind.WORKPLACE_COMMITTEE, OrgKind.RESIDENCE_COMMITTEE):
        committee = None
    profile = RegulationProfile.objects.filter(code=settings.DEFAULT_REGULATION_PROFILE).first()
    if profile is None:
        raise Http404("Chưa có bộ quy định.")
    if form == "1-213":
        workplace = committee if committee is not None and committee.kind == OrgKind.WORKPLACE_COMMITTEE else None
        doc = content.blank_letter_doc(workplace, profile)
        data = pdf.render_pdf("documents/letters.html", {"docs": [doc], "title": "Mẫu 1-213"})
    elif form == "3-213":
        comment_doc = content.blank_comment_doc(committee, profile)
        data = pdf.render_pdf("documents/comments.html", {"docs": [comment_doc], "title": "Mẫu 3-213"})
    else:
        raise Http404("Không có mẫu này.")
    return pdf.pdf_response(data, pdf.filename("mau", form, "de-trong"))


@hat_required(*BLANK_HATS)
@require_GET
def blanks(request: HttpRequest) -> HttpResponse:
    """The page that lists the blank forms (linked from the committees' screens)."""
    return render(request, "documents/screens/blanks.html")


# --------------------------------------------------------------------------- verification (public)


def verify_form(request: HttpRequest) -> HttpResponse:
    """Type a code read off a paper (?ma=…): straight to its page."""
    typed = request.GET.get("ma", "")
    if normalise(typed):
        return redirect("documents:verify", code=printed(normalise(typed)))
    return render(request, "documents/screens/verify_form.html")


def verify(request: HttpRequest, code: str) -> HttpResponse:
    """What the code on a paper proves: kind, number and date, issuer, still valid or not."""
    found = Verification.objects.select_related("content_type").filter(code=normalise(code)).first()
    finding = finding_for(found) if found is not None else None
    if finding is None:
        return render(request, "documents/screens/verify_missing.html", {"code": code}, status=404)
    shown = printed(found.code) if found else ""
    response = render(request, "documents/screens/verify.html", {"f": finding, "code": shown})
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


urlpatterns = [
    path("xac-minh/", verify_form, name="verify_form"),
    path("xac-minh/<str:code>/", verify, name="verify"),
    path("in/giay-gioi-thieu/<int:pk>/", letter, name="letter"),
    path("in/giay-gioi-thieu/trong-nam/", letters_of_year, name="letters_of_year"),
    path("in/giay-gioi-thieu/trong-nam/<str:token>/", letters_job, name="letters_job"),
    path("in/giay-gioi-thieu/trong-nam/<str:token>/tai-ve/", letters_job_file, name="letters_job_file"),
    path("in/phieu-nhan-xet/<int:pk>/", comment, name="comment"),
    path("in/so-lien-he/<int:pk>/", book, name="book"),
    path("in/so-theo-doi/", register, name="register"),
    path("in/bao-cao/", report, name="report"),
    path("in/mau-trang/", blanks, name="blanks"),
    path("in/mau-trang/<str:form>/", blank, name="blank"),
]
