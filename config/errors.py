"""Error pages. A lost database connection is a 503 in Vietnamese, not a 500 with a traceback.

`handler500` (config/urls.py) receives every uncaught exception, whichever layer raised it
(view or middleware: the session and the account middleware touch the database before any
view). When that exception is the database being unreachable (PostgreSQL restarting, a dropped
connection: OperationalError, InterfaceError), the answer is 503 with Retry-After; the page is
rendered without the request context, so it needs no database itself. Django's persistent
connections come back by themselves (CONN_HEALTH_CHECKS in settings): no app restart needed.
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext
from django.views import defaults

RETRY_AFTER_SECONDS = 30


def database_unavailable(request: HttpRequest) -> HttpResponse:
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"detail": gettext("Cơ sở dữ liệu tạm thời gián đoạn; vui lòng thử lại sau ít phút.")}, status=503
        )
    else:
        try:
            page = loader.get_template("503.html").render()
        except Exception:  # e.g. static files not collected: still say it in Vietnamese
            page = gettext("Hệ thống tạm thời chưa phục vụ được. Vui lòng thử lại sau ít phút.")
        response = HttpResponse(page, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        return database_unavailable(request)
    return defaults.server_error(request)
