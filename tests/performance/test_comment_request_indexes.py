"""The comment requests' indexes after migration 0009: one per lookup, none twice (docs/performance.md)."""

import pytest
from django.db import connection

from books.models import CommentRequest

TABLE = CommentRequest._meta.db_table


def indexes(unique=False):
    """The columns of each plain index (with `unique`, also the unique ones: some are partial)."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, TABLE)
    return [
        tuple(c["columns"])
        for c in constraints.values()
        if c["index"] and not c["primary_key"] and (unique or not c["unique"])
    ]


@pytest.mark.django_db
def test_no_single_column_index_where_a_composite_starts_with_the_column():
    found = indexes()
    for composite in [c for c in found if len(c) > 1]:
        assert (composite[0],) not in found, f"{composite[0]} is indexed alone and first in {composite}"


@pytest.mark.django_db
def test_the_committee_and_cell_lookups_keep_their_composite_indexes():
    found = indexes()
    assert ("residence_committee_id", "status") in found
    assert ("residence_cell_id", "status") in found
    assert ("requesting_committee_id", "year", "status") in found


@pytest.mark.django_db
def test_nothing_indexes_the_users_who_asked_signed_certified_or_acknowledged():
    users = {"requested_by_id", "signed_by_id", "certified_by_id", "acknowledged_by_id"}
    assert not [c for c in indexes(unique=True) if c[0] in users]
