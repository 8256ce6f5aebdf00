import datetime
import os
import zoneinfo

import pytest
import time_machine

# Playwright's sync API runs an event loop in the test thread; Django must still allow ORM calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


# The suite's "today": Friday 27/11/2026, 09:00 in Vietnam. Tests speak of dates ("returned on
# 27/11/2026", "overdue since October") that must not depend on the day or the hour the suite runs
# (after 17:00 UTC it is already tomorrow in Vietnam). The clock ticks from there; a test that
# needs another day travels again inside this one.
SUITE_NOW = datetime.datetime(2026, 11, 27, 9, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh"))


@pytest.fixture(autouse=True)
def _suite_today():
    with time_machine.travel(SUITE_NOW, tick=True):
        yield


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """The cast logs in a dozen users per test; real hashing would cost seconds each time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tests travel in time with a client logged in; the idle timeout (docs/security.md) would log it
    # out. tests/accounts switches it back on where it is the subject.
    settings.SESSION_IDLE_TIMEOUT = 0


@pytest.fixture
def cast(db, reference_data):
    from tests.cast import Cast

    return Cast.create()


@pytest.fixture
def reference_data(db):
    """Units, the default profile and the open term. A transactional test (live server) flushes
    the tables the migrations filled, so it asks for them again here."""
    from books.models import RegulationProfile, Term
    from books.profiles import ensure_default_profile_and_term
    from orgs.models import AdministrativeUnit

    if AdministrativeUnit.objects.exists():
        _remember_units()
    else:
        _restore_units()
    ensure_default_profile_and_term(RegulationProfile, Term)


# The 14,165 units and 10,033 successions the migration loaded, as rows, taken from the first test
# of the worker. Loading them again from vietnam-provinces after a flush costs 2.5-6 s a test;
# putting the same rows back costs a fraction of that.
_unit_rows: dict[type, list[tuple]] = {}


def _unit_models() -> list[type]:
    from orgs.models import AdministrativeUnit, UnitSuccession

    return [AdministrativeUnit, UnitSuccession]


def _remember_units() -> None:
    if _unit_rows:
        return
    for model in _unit_models():
        # parents before children, so that every row's parent exists when it is put back
        rows = model.objects.order_by("pk").values_list(*[f.attname for f in model._meta.concrete_fields])
        _unit_rows[model] = list(rows)


def _restore_units() -> None:
    from django.db import connection, transaction

    from orgs.models import AdministrativeUnit, UnitSuccession
    from orgs.units import load_units

    if not _unit_rows:
        load_units(AdministrativeUnit, UnitSuccession)
        return
    quote = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        for model, rows in _unit_rows.items():
            table = quote(model._meta.db_table)
            columns = ", ".join(quote(f.column) for f in model._meta.concrete_fields)
            if connection.vendor == "postgresql":  # one COPY; executemany is a round trip a row
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(model._meta.concrete_fields))
                cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)
