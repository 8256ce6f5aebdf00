"""Verification codes for printed letters and comments, their QR codes, and what the public
page may say about a document.

A code is 10 characters of Crockford's base-32 alphabet (no I, L, O, U): 50 random bits, far
too many to guess one by trying. It is printed "ABCDE-FGHJK"; typing it in lower case, without
the dash, or with O for 0 and I/L for 1 finds it all the same.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass

import segno
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from books.models import CommentRequest, CommentStatus, IntroductionLetter, LetterStatus

from .models import Verification

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 10
CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise(typed: str) -> str:
    """What a person typed, as stored: upper case, no dashes or spaces, confusable letters mapped."""
    return "".join(ch for ch in typed.upper().translate(CONFUSABLE) if ch.isalnum())


def printed(code: str) -> str:
    """'ABCDE-FGHJK': two groups, easy to read out."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"


def url_of(code: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("documents:verify", args=[printed(code)])


def is_verifiable(document: models.Model) -> bool:
    """A draft letter has no number and is not signed: it gets no code."""
    if isinstance(document, IntroductionLetter):
        return document.status != LetterStatus.DRAFT
    return isinstance(document, CommentRequest)


def codes_for(documents: Sequence[models.Model]) -> dict[int, str]:
    """{document pk: code} for documents of one model, made for those printed the first time.

    Two queries (plus one insert) whatever the number of documents; a concurrent print of the same
    document keeps whichever code was stored first.
    """
    wanted = [d for d in documents if is_verifiable(d)]
    if not wanted:
        return {}
    content_type = ContentType.objects.get_for_model(type(wanted[0]))
    ids = [d.pk for d in wanted]
    found = dict(
        Verification.objects.filter(content_type=content_type, object_id__in=ids).values_list("object_id", "code")
    )
    missing = [pk for pk in ids if pk not in found]
    if missing:
        rows = [Verification(code=new_code(), content_type=content_type, object_id=pk) for pk in missing]
        try:
            with transaction.atomic():
                Verification.objects.bulk_create(rows)
        except IntegrityError:
            # printed at the same moment elsewhere (or, once in 2^50, the same random code): one by one
            for row in rows:
                for _attempt in range(5):
                    try:
                        with transaction.atomic():
                            Verification.objects.get_or_create(
                                content_type=content_type, object_id=row.object_id, defaults={"code": new_code()}
                            )
                        break
                    except IntegrityError:
                        continue
        found = dict(
            Verification.objects.filter(content_type=content_type, object_id__in=ids).values_list("object_id", "code")
        )
    return found


def qr_svg(url: str) -> SafeString:
    """The URL as an inline SVG QR code (error correction M), sized by CSS."""
    code = segno.make(url, error="m", micro=False)
    return mark_safe(code.svg_inline(scale=1, border=0, omitsize=True, dark="#000"))  # segno's own markup


@dataclass(frozen=True)
class Stamp:
    """What a printed document carries to be verified: the code, its URL and its QR code."""

    code: str

    @property
    def printed(self) -> str:
        return printed(self.code)

    @property
    def url(self) -> str:
        return url_of(self.code)

    @property
    def site(self) -> str:
        """Where to type the code by hand: '127.0.0.1:8000/xac-minh/' (no scheme, short to print)."""
        base = settings.SITE_URL.rstrip("/") + reverse("documents:verify_form")
        return base.split("://", 1)[-1]

    @property
    def qr(self) -> SafeString:
        return qr_svg(self.url)


def stamps_for(documents: Sequence[models.Model]) -> dict[int, Stamp]:
    return {pk: Stamp(code) for pk, code in codes_for(documents).items()}


# --------------------------------------------------------------------------- the public page


def initials(full_name: str) -> str:
    """'Nguyễn Văn An' → 'N.V.A.': all the public page says of the member."""
    return "".join(f"{word[0].upper()}." for word in full_name.split() if word)


@dataclass(frozen=True)
class Finding:
    """What the public verification page says about one code; nothing personal beyond initials."""

    kind: str
    number: str
    date: object
    issuer: str
    initials: str
    valid: bool | None  # None: still being handled (a comment not yet back at the workplace)
    state: str
    certifier: str = ""


LETTER_STATES = {
    LetterStatus.ISSUED: (True, "Còn hiệu lực — đã gửi, chờ đảng ủy nơi cư trú tiếp nhận."),
    LetterStatus.RECEIVED: (True, "Còn hiệu lực — đảng ủy nơi cư trú đã tiếp nhận."),
    LetterStatus.SUPERSEDED: (False, "Không còn hiệu lực — đã được thay bằng giấy giới thiệu mới (chuyển nơi cư trú)."),
    LetterStatus.WITHDRAWN: (False, "Không còn hiệu lực — giấy giới thiệu đã bị thu hồi."),
    LetterStatus.CARRIED_OVER: (False, "Không còn hiệu lực — đã chuyển sang sổ nhiệm kỳ mới (có giấy mới thay thế)."),
}


def finding_for(verification: Verification) -> Finding | None:
    document = verification.document
    valid: bool | None
    if isinstance(document, IntroductionLetter):
        valid, state = LETTER_STATES.get(LetterStatus(document.status), (False, "Không còn hiệu lực."))
        return Finding(
            kind="Giấy giới thiệu đảng viên đang công tác về nơi cư trú (mẫu 1-213)",
            number=f"Số {document.display_number}",
            date=document.issued_on,
            issuer=document.issuing_committee.name,
            initials=initials(document.full_name),
            valid=valid,
            state=state,
        )
    if isinstance(document, CommentRequest):
        if document.status in (CommentStatus.RETURNED, CommentStatus.ACKNOWLEDGED):
            valid, state = True, "Còn hiệu lực — nhận xét đã được đảng ủy nơi cư trú xác nhận và gửi về nơi công tác."
        elif document.status == CommentStatus.CANCELLED:
            valid, state = False, "Không còn hiệu lực — phiếu đã hủy."
        else:
            valid, state = None, "Đang xử lý — nhận xét chưa được gửi về nơi công tác."
        return Finding(
            kind="Phiếu xin ý kiến nhận xét của chi ủy nơi cư trú (mẫu 3-213)",
            number=f"Năm {document.year}" + (" (xin ý kiến khi cần)" if document.kind == "on_demand" else ""),
            date=document.requested_on,
            issuer=document.requesting_committee.name,
            initials=initials(document.book.member.full_name),
            valid=valid,
            state=state,
            certifier=document.residence_committee.name,
        )
    return None
