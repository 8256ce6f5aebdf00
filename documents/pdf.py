"""HTML templates to PDF with WeasyPrint: A4, "Times New Roman" (Liberation Serif 2), fonts embedded.

The print stylesheet is static/documents/print.css. One FontConfiguration is kept for the
process: WeasyPrint caches the fonts it has loaded in it, which makes the second document fast.
"""

from __future__ import annotations

import functools
import logging
from typing import Any

from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.text import slugify

STYLESHEET = "documents/print.css"

# WeasyPrint reports every layout step at INFO: keep its log for warnings
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


@functools.cache
def _weasy() -> tuple[Any, Any]:
    """WeasyPrint's stylesheet and font configuration, made once (importing it costs ~0.3 s)."""
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    path = finders.find(STYLESHEET)
    if not path:
        raise FileNotFoundError(f"static/{STYLESHEET} is missing")
    return CSS(filename=str(path), font_config=fonts), fonts


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    """The template rendered to a PDF document."""
    from weasyprint import HTML

    stylesheet, fonts = _weasy()
    html = render_to_string(template, context)
    return HTML(string=html, base_url=None).write_pdf(stylesheets=[stylesheet], font_config=fonts)  # type: ignore[no-any-return]


def filename(*parts: str) -> str:
    """'giay-gioi-thieu-12-ggt-du-nguyen-van-an.pdf': ASCII, safe in any header."""
    return "-".join(slugify(part.replace("đ", "d").replace("Đ", "D")) for part in parts if part) + ".pdf"


def pdf_response(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response
