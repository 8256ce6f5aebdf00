"""The database goes away while the app serves: requests fail cleanly (503 in Vietnamese, no
traceback) and succeed again once it is back, without restarting the app (config/errors.py)."""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.db.models.sql.compiler import SQLCompiler
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]


def down():
    return mock.patch.object(
        SQLCompiler, "execute_sql", side_effect=OperationalError("server closed the connection unexpectedly")
    )


def test_a_page_asked_while_the_database_is_unreachable_is_a_503_in_vietnamese(cast):
    client = Client(raise_request_exception=False)
    client.force_login(cast.lc_clerk)
    with down():
        response = client.get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    page = response.content.decode()
    assert "Hệ thống tạm thời chưa phục vụ được" in page
    assert "không có dữ liệu nào bị mất" in page
    assert "Traceback" not in page and "OperationalError" not in page


def test_the_api_says_it_in_json(db):
    client = Client(raise_request_exception=False)
    with down():
        response = client.get("/api/v1/comments", HTTP_AUTHORIZATION="Bearer x")
    assert response.status_code == 503
    assert "Cơ sở dữ liệu tạm thời gián đoạn" in response.json()["detail"]


def test_any_other_error_is_still_a_500(cast):
    client = Client(raise_request_exception=False)
    client.force_login(cast.lc_clerk)
    with mock.patch.object(SQLCompiler, "execute_sql", side_effect=ZeroDivisionError):
        response = client.get("/")
    assert response.status_code == 500


# --------------------------------------------------------------------------- a real restart

BINDIR = os.environ.get("SOLIENHE_PG_BINDIR", "")
RUNAS = os.environ.get("SOLIENHE_PG_RUNAS", "")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def as_owner(*args, **kwargs):
    command = ["runuser", "-u", RUNAS, "--", *args] if RUNAS else list(args)
    return subprocess.run(command, check=True, capture_output=True, text=True, **kwargs)


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=20) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.fixture
def own_server(tmp_path):
    """A PostgreSQL server of this test's own (restarting the suite's would break the other
    workers), holding a copy of the migrated test database."""
    base = Path(tempfile.mkdtemp(prefix="solienhe-restart-", dir="/tmp"))
    if RUNAS:
        shutil.chown(base, RUNAS, RUNAS)
    data, port = base / "data", free_port()
    as_owner(f"{BINDIR}/initdb", "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
    options = f"-h 127.0.0.1 -p {port} -k {base} -c fsync=off"

    def start():
        as_owner(f"{BINDIR}/pg_ctl", "-D", str(data), "-l", str(base / "log"), "-w", "-o", options, "start", cwd=base)

    def stop():
        as_owner(f"{BINDIR}/pg_ctl", "-D", str(data), "-m", "fast", "-w", "stop", cwd=base)

    start()
    dump = tmp_path / "schema.dump"
    s = connection.settings_dict
    env = {**os.environ, "PGHOST": s["HOST"] or "127.0.0.1", "PGPORT": str(s["PORT"]), "PGUSER": s["USER"]}
    subprocess.run(["pg_dump", "-Fc", "-f", str(dump), s["NAME"]], check=True, env=env)
    subprocess.run(["createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "app"], check=True)
    subprocess.run(
        ["pg_restore", "--no-owner", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-d", "app", str(dump)],
        check=True,
    )
    try:
        yield f"postgres://postgres@127.0.0.1:{port}/app", start, stop
    finally:
        subprocess.run(
            ["runuser", "-u", RUNAS, "--"] * bool(RUNAS)
            + [f"{BINDIR}/pg_ctl", "-D", str(data), "-m", "immediate", "stop"],
            capture_output=True,
            check=False,
            cwd=base,
        )
        shutil.rmtree(base, ignore_errors=True)


@pytest.mark.skipif(
    connection.vendor != "postgresql" or not BINDIR,
    reason="needs the PostgreSQL server binaries (scripts/with-postgres.sh exports SOLIENHE_PG_BINDIR)",
)
def test_postgresql_restarted_under_a_running_app_fails_cleanly_then_serves_again(db, own_server, tmp_path):
    url_db, start, stop = own_server
    port = free_port()
    env = {
        **os.environ,
        "STATIC_ROOT": str(tmp_path / "static"),  # DEBUG off serves collected, hashed static files
        "DATABASE_URL": url_db,
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",  # plain http on 127.0.0.1 (a proxy does TLS in production)
        "SECRET_KEY": "x" * 60,
        "DB_CONN_MAX_AGE": "600",  # one persistent connection, which the restart kills
    }
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    app = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "-b", f"127.0.0.1:{port}", "-w", "1", "--timeout", "60"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    page = f"http://127.0.0.1:{port}/xac-minh/ABCDE-FGHJK/"  # asks the database about the code
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, _ = get(page)
                break
            except (urllib.error.URLError, ConnectionError):
                if app.poll() is not None or time.monotonic() > deadline:
                    app.kill()
                    pytest.fail(f"gunicorn did not start: {app.communicate()[1][-3000:]}")
                time.sleep(0.3)
        assert status < 500, app.kill() or app.communicate()[1][-3000:]

        stop()
        for _ in range(3):
            status, body = get(page)
            assert status == 503, body[:500]
            assert "Hệ thống tạm thời chưa phục vụ được" in body
            assert "Traceback" not in body

        start()
        statuses = [get(page)[0] for _ in range(3)]
        assert all(s < 500 for s in statuses), statuses
        assert app.poll() is None  # the same app, never restarted
    finally:
        app.terminate()
        app.wait(timeout=30)
