"""`/healthz`: 200 when the database answers, 503 when it does not — for any Host, over plain http.

A load balancer or a monitor probes the app by its internal address (`http://10.0.0.5/healthz`).
In production that request would never reach a view: SecurityMiddleware redirects plain http to
https (301, SECURE_SSL_REDIRECT) and the first `request.get_host()` refuses a Host that is not in
ALLOWED_HOSTS (400). So `HealthzMiddleware` stands first in MIDDLEWARE and answers the probe
itself, before anything reads the Host; the answer holds nothing but "ok" or the error's class.
The `healthz` URL (accounts/urls.py) stays, for `reverse()` and for a request that somehow
passes the middleware; its view gives the same answer.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse

PATH = "/healthz"


def database_error() -> str | None:
    """None when `SELECT 1` answers, else the class name of what went wrong."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any database failure means unhealthy
        return exc.__class__.__name__
    return None


def healthz_response() -> JsonResponse:
    error = database_error()
    if error is not None:
        response = JsonResponse({"status": "error", "database": error}, status=503)
    else:
        response = JsonResponse({"status": "ok", "database": "ok"})
    # SecurityMiddleware, which the probe skips, would add nosniff; no proxy may keep an old answer
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


class HealthzMiddleware:
    """Answers GET/HEAD /healthz before the https redirect and the ALLOWED_HOSTS check."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info == PATH and request.method in ("GET", "HEAD"):
            return healthz_response()
        return self.get_response(request)


class QuietHealthzFilter(logging.Filter):
    """Drops gunicorn's access-log line of a successful probe (one every few seconds); a 503 stays.

    gunicorn logs each request on `gunicorn.access` with its atoms as the record's mapping
    argument: "U" the path, "s" the status. Attached in config/wsgi.py.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        atoms = record.args
        probe_ok = isinstance(atoms, Mapping) and atoms.get("U") == PATH and str(atoms.get("s")) == "200"
        return not probe_ok
