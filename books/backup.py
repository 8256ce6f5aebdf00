"""Backup and restore of the whole database (manage.py backup / restore; docs/reliability.md).

SQLite: the online backup API (a consistent copy while the app keeps running, and the same API
copies a backup file back into the live database). PostgreSQL: pg_dump in the custom format and
pg_restore --clean --if-exists in one transaction (a failed restore changes nothing), with the
connection settings of DATABASES passed through the PG* environment variables.
Uploaded scans live in MEDIA_ROOT, outside the database: copy that folder alongside.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.db import connections

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"


class BackupError(Exception):
    """A refusal with a Vietnamese message (the commands turn it into CommandError)."""


def _pg_env(settings: dict[str, Any]) -> dict[str, str]:
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if settings.get(key):
            env[var] = str(settings[key])
    env["PGDATABASE"] = settings["NAME"]
    return env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"Không tìm thấy lệnh {name}: cần cài gói postgresql-client (cùng phiên bản chính với máy chủ "
            "PostgreSQL hoặc mới hơn) rồi chạy lại."
        )
    return path


def _run(args: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{Path(args[0]).name} báo lỗi (mã {done.returncode}): {done.stderr.strip()[-2000:]}")


def backup(target: Path, using: str = "default") -> None:
    connection = connections[using]
    target = Path(target)
    if target.exists() and target.is_dir():
        raise BackupError(f"{target} là một thư mục; hãy chỉ tên tệp sao lưu.")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".dang-ghi")
    partial.unlink(missing_ok=True)
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        destination = sqlite3.connect(partial)
        try:
            connection.connection.backup(destination)
        finally:
            destination.close()
    elif connection.vendor == "postgresql":
        env = _pg_env(connection.settings_dict)
        _run([_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(partial)], env)
    else:  # pragma: no cover
        raise BackupError(f"Chưa hỗ trợ sao lưu cơ sở dữ liệu {connection.vendor}.")
    partial.replace(target)  # a crash mid-way never leaves a half file under the real name


def restore(source: Path, using: str = "default") -> None:
    connection = connections[using]
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"Không có tệp sao lưu {source}.")
    with source.open("rb") as f:
        head = f.read(16)
    if connection.vendor == "sqlite":
        if not head.startswith(SQLITE_MAGIC):
            kind = "bản sao lưu PostgreSQL" if head.startswith(PGDUMP_MAGIC) else "không phải bản sao lưu SQLite"
            raise BackupError(f"Tệp {source} là {kind}; cơ sở dữ liệu đang dùng là SQLite.")
        connection.close()
        connection.ensure_connection()
        backup_file = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            check = backup_file.execute("PRAGMA integrity_check").fetchone()
            if check != ("ok",):
                raise BackupError(f"Tệp sao lưu {source} bị hỏng: {check[0]}")
            backup_file.backup(connection.connection)
        finally:
            backup_file.close()
        connection.close()
    elif connection.vendor == "postgresql":
        if not head.startswith(PGDUMP_MAGIC):
            kind = "bản sao lưu SQLite" if head.startswith(SQLITE_MAGIC) else "không phải bản sao lưu pg_dump -Fc"
            raise BackupError(f"Tệp {source} là {kind}; cơ sở dữ liệu đang dùng là PostgreSQL.")
        settings = connection.settings_dict
        connection.close()
        _run(
            [
                _tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--dbname",
                settings["NAME"],
                str(source),
            ],
            _pg_env(settings),
        )
    else:  # pragma: no cover
        raise BackupError(f"Chưa hỗ trợ khôi phục cơ sở dữ liệu {connection.vendor}.")


def fingerprint(using: str = "default") -> dict[str, tuple[int, str]]:
    """Every table: (row count, SHA-256 of its rows in primary-key order, or all columns)."""
    connection = connections[using]
    result: dict[str, tuple[int, str]] = {}
    with connection.cursor() as cursor:
        tables = sorted(connection.introspection.table_names(cursor))
        for table in tables:
            columns = [c.name for c in connection.introspection.get_table_description(cursor, table)]
            quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
            cursor.execute(f"SELECT {quoted} FROM {connection.ops.quote_name(table)} ORDER BY {quoted}")
            digest = hashlib.sha256()
            count = 0
            for row in cursor.fetchall():
                digest.update(repr(row).encode())
                count += 1
            result[table] = (count, digest.hexdigest())
    return result
