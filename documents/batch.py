"""Many documents in one PDF, laid out by several processes (docs/performance.md, "PDFs").

WeasyPrint's layout is pure Python and takes one core: 1,000 letters are ≈ 70 s on one core of
this machine. `render_parallel` renders the HTML in this process (the queries, the verification
codes), splits the documents into chunks, has a `spawn` pool lay each chunk out (a worker needs
the stylesheet and fonts, never the database) and joins the PDFs page after page with pypdf. The
pages are those `pdf.render_pdf` makes in one process for the same documents
(tests/performance/test_pdf_batch.py compares the text of every page).
"""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from multiprocessing import get_context
from typing import Any

from django.template.loader import render_to_string

from . import pdf

# Documents per worker task: large enough to amortise the per-PDF fixed cost (fonts subset,
# stylesheet), small enough to keep both cores busy to the end.
CHUNK = 50


def _setup_worker() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def _layout(html: str) -> bytes:
    """One chunk's HTML to PDF bytes (in a worker)."""
    from weasyprint import HTML

    stylesheet, fonts = pdf._weasy()
    return HTML(string=html, base_url=None).write_pdf(stylesheets=[stylesheet], font_config=fonts)  # type: ignore[no-any-return]


def merge(parts: Sequence[bytes]) -> bytes:
    """The PDFs one after the other, in one file."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for part in parts:
        writer.append(io.BytesIO(part))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def render_parallel(
    template: str,
    docs: Sequence[Any],
    context: dict[str, Any] | None = None,
    *,
    workers: int | None = None,
    chunk: int = CHUNK,
) -> bytes:
    """`template` over `docs` (the template loops over `docs`, one document per page run) as one PDF.

    With one worker or one chunk, this is `pdf.render_pdf` itself.
    """
    context = dict(context or {})
    workers = workers or os.cpu_count() or 1
    chunks = [list(docs[i : i + chunk]) for i in range(0, len(docs), chunk)] or [[]]
    if workers <= 1 or len(chunks) == 1:
        return pdf.render_pdf(template, {**context, "docs": list(docs)})
    pages = [render_to_string(template, {**context, "docs": part}) for part in chunks]
    with get_context("spawn").Pool(min(workers, len(chunks)), initializer=_setup_worker) as pool:
        parts = pool.map(_layout, pages, chunksize=1)
    return merge(parts)
