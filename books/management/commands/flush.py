"""manage.py flush, able to empty the audit trail on SQLite (docs/audit.md, "Tests and flush").

Django's flush empties every table: TRUNCATE on PostgreSQL, which fires no row trigger, but
DELETE on SQLite, which the audit guard triggers refuse. On SQLite this command lifts the guards
(each trigger's own CREATE statement is kept and run again afterwards, even if the flush fails)
and then runs Django's flush unchanged. Transactional tests and live-server tests flush through
this command after each test.
"""

from django.core.management.commands import flush
from django.db import DEFAULT_DB_ALIAS, connections

from books import audit


class Command(flush.Command):
    def handle(self, **options):
        using = options.get("database") or DEFAULT_DB_ALIAS
        if connections[using].vendor != "sqlite":
            return super().handle(**options)
        with audit.guards_lifted(using):
            return super().handle(**options)
