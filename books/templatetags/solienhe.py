"""Template helpers: status badges read their label and colour off the status choice."""

from typing import Any

from django import template
from django.utils.html import format_html

from books.models import (
    AddressChangeRequest,
    AddressChangeStatus,
    Book,
    BookStatus,
    CommentRequest,
    CommentStatus,
    IntroductionLetter,
    LetterStatus,
    NoticeStatus,
    ViolationNotice,
)

register = template.Library()

STATUS_CHOICES = {
    Book: BookStatus,
    IntroductionLetter: LetterStatus,
    CommentRequest: CommentStatus,
    ViolationNotice: NoticeStatus,
    AddressChangeRequest: AddressChangeStatus,
}


@register.simple_tag
def status_badge(obj: Any) -> str:
    """<span class="badge amber">Chờ chi bộ nhận xét</span> for any object with a status choice."""
    choices = STATUS_CHOICES.get(type(obj))  # type: ignore[arg-type]
    if choices is None:
        return ""
    status: BookStatus | LetterStatus | CommentStatus | NoticeStatus | AddressChangeStatus = choices(obj.status)  # type: ignore[attr-defined]
    return format_html('<span class="badge {}">{}</span>', status.badge, status.label)
