"""The life of one member import: upload → check (inline, or a background task for large files)
→ preview → import all or none (inline, or a background task) → done. See docs/spreadsheets.md.

The check keeps the rows it found good (checker.CheckedRows) and the .xlsx is deleted; the import
reads those rows, never the .xlsx. An import left unconfirmed for IMPORT_KEEP_DAYS expires: its
checked rows are deleted (`expire_stale`, run at each upload and by `manage.py expire_imports`).
"""

from __future__ import annotations

import datetime
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from books import clock
from orgs.models import Organisation

from .checker import FileRefused, ImportAborted, check_file, import_checked, open_sheet
from .models import ImportStatus, MemberImport


def _path(item: MemberImport) -> Path:
    return Path(item.file.path)


def start(upload: Any, *, committee: Organisation, user: Any) -> MemberImport:
    """Store the upload, refuse a broken file at once (nothing kept), then check it inline or in the background."""
    size = int(upload.size or 0)
    if size > settings.IMPORT_MAX_BYTES:
        from .checker import megabytes

        raise FileRefused(
            f"Tệp quá lớn ({megabytes(size)}); giới hạn là {megabytes(settings.IMPORT_MAX_BYTES)}. "
            "Hãy chia danh sách thành nhiều tệp."
        )
    expire_stale()
    item = MemberImport(user=user, committee=committee, original_name=(upload.name or "")[-200:], size=size)
    item.file.save("upload.xlsx", upload, save=False)
    try:
        sheet = open_sheet(_path(item))
    except FileRefused:
        item.drop_file()
        raise
    estimated = sheet.estimated_rows
    sheet.close()
    item.background = estimated is None or estimated >= settings.IMPORT_BACKGROUND_ROWS
    item.save()
    if item.background:
        from .tasks import check_member_import

        pk = item.pk
        transaction.on_commit(lambda: check_member_import.enqueue(pk))
    else:
        run_check(item)
    return item


def run_check(item: MemberImport) -> MemberImport:
    """Check every row; READY when all are good (the rows kept, the .xlsx deleted), INVALID with the
    errors, REFUSED when the file is unusable."""
    start_time = time.perf_counter()
    try:
        outcome = check_file(_path(item), item.committee, keep=item.checked_path)
    except FileRefused as refusal:
        item.drop_file()
        item.record(status=ImportStatus.REFUSED, message=refusal.message, finished_at=clock.now(), file="")
        return item
    # the import reads the kept rows: the upload is not needed any more, whatever the outcome
    item.drop_file()
    item.record(
        status=ImportStatus.INVALID if outcome.error_count else ImportStatus.READY,
        rows_total=outcome.rows_total,
        rows_bad=len(outcome.bad_rows),
        error_count=outcome.error_count,
        errors=[problem.as_dict() for problem in outcome.errors],
        notes=outcome.notes,
        note_count=outcome.note_count,
        sample=outcome.sample,
        checked_digest=outcome.digest,
        file="",
        seconds=round(time.perf_counter() - start_time, 2),
        finished_at=clock.now(),
    )
    return item


def begin_import(item: MemberImport) -> bool:
    """READY → IMPORTING once (a second click does nothing); runs inline or enqueues the task."""
    moved = MemberImport.objects.filter(pk=item.pk, status=ImportStatus.READY).update(status=ImportStatus.IMPORTING)
    if not moved:
        return False
    item.refresh_from_db()
    if item.background:
        from .tasks import import_member_list

        pk = item.pk
        transaction.on_commit(lambda: import_member_list.enqueue(pk))
    else:
        run_import(item)
    return True


def run_import(item: MemberImport) -> MemberImport:
    """The checked rows through books.actions.register_members (in chunks) in one transaction, or none."""
    start_time = time.perf_counter()
    try:
        count = import_checked(item.checked_path, item.checked_digest, item.committee, by=item.user)
    except ImportAborted as failure:
        item.record(
            status=ImportStatus.FAILED,
            message=f"Chưa nhập đảng viên nào. {failure}",
            finished_at=clock.now(),
        )
        item.drop_checked()
        return item
    item.drop_checked()
    item.record(
        status=ImportStatus.DONE,
        imported=count,
        seconds=round(time.perf_counter() - start_time, 2),
        finished_at=clock.now(),
    )
    return item


def expire_stale(*, now: datetime.datetime | None = None) -> int:
    """Imports checked but not confirmed within IMPORT_KEEP_DAYS: EXPIRED, their checked rows deleted."""
    cutoff = (now or clock.now()) - datetime.timedelta(days=settings.IMPORT_KEEP_DAYS)
    stale = list(MemberImport.objects.filter(status=ImportStatus.READY, created_at__lt=cutoff).only("pk", "token"))
    for item in stale:
        moved = MemberImport.objects.filter(pk=item.pk, status=ImportStatus.READY).update(
            status=ImportStatus.EXPIRED,
            message=(
                f"Quá {settings.IMPORT_KEEP_DAYS} ngày chưa nhập nên dữ liệu đã kiểm tra đã được xóa. "
                "Hãy tải tệp lên lại để kiểm tra."
            ),
            finished_at=clock.now(),
        )
        if moved:
            item.drop_checked()
    return len(stale)
