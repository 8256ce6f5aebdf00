"""The user's notifications: the list (/thong-bao/), open one, mark one or all read.

Notifications are personal: every view reads only `Notification.objects.for_user(request.user)`,
so another user's notification is a 404, whatever the role.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from orgs.text import fold
from web.common import paginate

from .models import Notification

UNREAD = "chua-doc"


def _mine(request: HttpRequest):  # type: ignore[no-untyped-def]
    return Notification.objects.for_user(request.user)


def _back(request: HttpRequest) -> str:
    """Where to go after a POST: the list page the user came from (only this site's paths)."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse("notifications:list")


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    show = request.GET.get("loc", "")
    query = request.GET.get("q", "").strip()
    notifications = _mine(request).select_related("organisation").order_by("-created_at", "-pk")
    if show == UNREAD:
        notifications = notifications.unread()
    if fold(query):
        notifications = notifications.filter(search_text__contains=fold(query))
    page = paginate(request, notifications)
    return render(
        request,
        "notifications/list.html",
        {"page": page, "show": show, "query": query, "unread_filter": UNREAD},
    )


@login_required
@require_GET
def open_notification(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow a notification's link; opening it counts as reading it."""
    notification = get_object_or_404(_mine(request), pk=pk)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    link = notification.link
    if link and url_has_allowed_host_and_scheme(link, allowed_hosts={request.get_host()}):
        return HttpResponseRedirect(link)
    return redirect("notifications:list")


@login_required
@require_POST
def mark_read(request: HttpRequest, pk: int) -> HttpResponse:
    notification = get_object_or_404(_mine(request).select_related("organisation"), pk=pk)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    if request.htmx:  # type: ignore[attr-defined]
        return render(
            request,
            "notifications/partials/marked.html",
            {"n": notification, "unread": _mine(request).unread().count(), "back": _back(request)},
        )
    messages.success(request, _("Đã đánh dấu là đã đọc: %(title)s.") % {"title": notification.title})
    return redirect(_back(request))


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    count = _mine(request).unread().update(read_at=timezone.now())
    if count:
        messages.success(
            request, _("Đã đánh dấu %(count)s thông báo là đã đọc.") % {"count": format(count, ",").replace(",", ".")}
        )
    else:
        messages.info(request, _("Không còn thông báo nào chưa đọc."))
    return redirect(_back(request))
