"""generate_dataset --full-history: every step of 2025 is an event too, and the chain still verifies."""

import io

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

from books import audit
from books.models import AnnualRating, Event

ON_POSTGRES = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not ON_POSTGRES, reason="generate_dataset loads PostgreSQL with COPY; this suite runs on SQLite"
    ),
]


def test_full_history_records_every_step_of_2025_and_the_chain_still_verifies(reference_data):
    out = io.StringIO()
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        call_command(
            "generate_dataset", "--members", "120", "--workers", "1", "--full-history", "--keep-indexes", stdout=out
        )
    assert Event.objects.filter(verb="comment_certified", at__year=2025).exists()
    assert not Event.objects.filter(data__imported=True).exists()
    assert Event.objects.filter(verb="rating_recorded").count() == AnnualRating.objects.count()
    assert audit.verify().intact
