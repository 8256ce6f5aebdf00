"""Scans of paper forms: attach one to a letter (1-213) or a comment form (3-213), list, download.

A clerk entering a paper form may attach its scan; the type is checked by content in
books.actions.attach_scan. Scans are never served from MEDIA_URL: only `download` hands them
out, to users who see the document (books.access), as an attachment the browser does not sniff.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from books import access, actions
from books.models import Attachment, Book, CommentRequest, IntroductionLetter
from orgs.models import OrgKind

from .common import act, hat_of, hat_required, scope_of

app_name = "scans"

# Who may attach: the committees' staff (the action checks the committee); who may download:
# everyone who sees the document through books.access.
attach_hats = hat_required(OrgKind.WORKPLACE_COMMITTEE, OrgKind.RESIDENCE_COMMITTEE)
read_hats = hat_required(
    OrgKind.WORKPLACE_COMMITTEE,
    OrgKind.WORKPLACE_CELL,
    OrgKind.RESIDENCE_COMMITTEE,
    OrgKind.RESIDENCE_CELL,
    OrgKind.PROVINCE_BOARD,
)

KINDS = {"giay-gioi-thieu": "letter", "nhan-xet": "comment"}


class ScanForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Tệp bản quét (PDF, JPEG hoặc PNG)"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )


def visible_scans(scope: access.Scope) -> QuerySet[Attachment]:
    """Scans of the letters and comment forms the scope sees."""
    return Attachment.objects.filter(
        Q(letter__in=access.letters(scope).values("pk")) | Q(comment__in=access.comments(scope).values("pk"))
    )


def of_book(scope: access.Scope, book: Book) -> list[Attachment]:
    """The scans of one book the scope sees, oldest first (one query)."""
    return list(
        visible_scans(scope)
        .filter(Q(letter__book=book) | Q(comment__book=book))
        .select_related("letter", "comment", "uploaded_by")
        .order_by("uploaded_at", "pk")
    )


def _document(request: HttpRequest, kind: str, pk: int) -> IntroductionLetter | CommentRequest:
    scope = scope_of(request)
    if KINDS.get(kind) == "letter":
        return access.get_visible(access.letters(scope).select_related("book__member", "book__holder"), pk)
    if KINDS.get(kind) == "comment":
        return access.get_visible(access.comments(scope).select_related("book__member", "book__holder"), pk)
    raise Http404(_("Không tìm thấy giấy tờ."))


def _back_url(request: HttpRequest, document: IntroductionLetter | CommentRequest) -> str:
    """Where the clerk came from: the member's page on the workplace side, the comments on the residence side."""
    from django.urls import reverse

    if hat_of(request).kind == OrgKind.WORKPLACE_COMMITTEE:
        return reverse("workplace:member", args=[document.book.member_id])
    if isinstance(document, CommentRequest):
        return reverse("residence:comments")
    return reverse("residence:letters")


@attach_hats
@require_http_methods(["GET", "POST"])
def attach(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """The upload form of one document, with the scans already attached to it."""
    document = _document(request, kind, pk)
    form = ScanForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        scan = act(
            request,
            lambda: actions.attach_scan(document, upload=form.cleaned_data["file"], by=request.user),
            success=lambda s: _("Đã đính kèm bản quét %(name)s.") % {"name": s.original_name},
            form=form,
        )
        if scan is not None:
            return redirect("scans:attach", kind=kind, pk=pk)
    scans = list(
        visible_scans(scope_of(request))
        .filter(**{KINDS[kind]: document})
        .select_related("uploaded_by")
        .order_by("uploaded_at", "pk")
    )
    context: dict[str, Any] = {
        "document": document,
        "is_letter": isinstance(document, IntroductionLetter),
        "member": document.book.member,
        "form": form,
        "scans": scans,
        "back": _back_url(request, document),
    }
    return render(request, "web/scans/attach.html", context, status=400 if form.errors else 200)


@read_hats
@require_GET
def download(request: HttpRequest, pk: int) -> HttpResponse:
    """The scan itself, as an attachment with its checked type (never rendered by the browser as HTML)."""
    scan = access.get_visible(visible_scans(scope_of(request)), pk)
    try:
        handle = scan.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("Tệp bản quét không còn trên máy chủ.")) from None
    response = FileResponse(handle, as_attachment=True, filename=scan.download_name, content_type=scan.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


urlpatterns = [
    path("tai-ve/<int:pk>/", download, name="download"),
    path("<slug:kind>/<int:pk>/", attach, name="attach"),
]
