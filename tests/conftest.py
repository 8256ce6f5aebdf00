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
    from orgs.models import AdministrativeUnit, UnitSuccession
    from orgs.units import load_units

    if not AdministrativeUnit.objects.exists():
        load_units(AdministrativeUnit, UnitSuccession)
    ensure_default_profile_and_term(RegulationProfile, Term)
