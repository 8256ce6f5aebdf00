"""Fixtures of the notification tests.

A test runs inside one transaction that never commits, so the notifications of its actions
(written after commit) are only written inside `committed()`, which runs the block's on-commit
callbacks as a real commit would.
"""

import contextlib

import pytest


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    @contextlib.contextmanager
    def block():
        from notifications import events

        # The cast's own events wait on the test's transaction, which never commits: start afresh,
        # as the next request's transaction would.
        events._local.batch = None
        with django_capture_on_commit_callbacks(execute=True):
            yield

    return block


@pytest.fixture
def immediate_tasks(settings):
    """Tasks run at once, in the test (the mail goes to Django's locmem outbox)."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def worker(monkeypatch):
    """Run `manage.py db_worker --batch`: every queued task, then stop.

    The worker closes "old" connections between tasks; inside the test's transaction that would
    close the test's own connection (PostgreSQL), so that step is left out here.
    """
    from django.core.management import call_command

    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)

    def run():
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    return run
