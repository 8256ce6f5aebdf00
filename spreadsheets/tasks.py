"""Background tasks of large imports (django.tasks; `manage.py db_worker` runs them)."""

from __future__ import annotations

from django.tasks import task

from . import service
from .models import ImportStatus, MemberImport


@task()
def check_member_import(import_id: int) -> str:
    """Check every row of a large uploaded member list."""
    item = MemberImport.objects.select_related("committee", "user").get(pk=import_id)
    if item.status != ImportStatus.CHECKING:
        return item.status
    return service.run_check(item).status


@task()
def import_member_list(import_id: int) -> str:
    """Import a checked large member list, all rows or none."""
    item = MemberImport.objects.select_related("committee", "user").get(pk=import_id)
    if item.status != ImportStatus.IMPORTING:
        return item.status
    return service.run_import(item).status
