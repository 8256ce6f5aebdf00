"""Fewer indexes on the comment requests, so that the October campaign writes fewer (docs/performance.md).

Dropped: the single-column indexes of `requesting_committee`, `residence_committee` and
`residence_cell` (each is the first column of a composite index of `Meta.indexes`, which serves
the same lookups) and those of the four users' foreign keys (no query looks a request up by the
user who asked, signed, certified or acknowledged it). Each was one more index entry to write for
every one of the ≈ 2 M requests of an October.

Index statements only (`DROP INDEX IF EXISTS`, the same on SQLite and PostgreSQL): an AlterField
would rebuild the whole table on SQLite, seven times.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


INDEXES = [
    ("books_commentrequest_acknowledged_by_id_b361859f", "acknowledged_by_id"),
    ("books_commentrequest_certified_by_id_1ff3f1bc", "certified_by_id"),
    ("books_commentrequest_requested_by_id_8a625b73", "requested_by_id"),
    ("books_commentrequest_requesting_committee_id_126ba957", "requesting_committee_id"),
    ("books_commentrequest_residence_cell_id_2594014a", "residence_cell_id"),
    ("books_commentrequest_residence_committee_id_59cb95a8", "residence_committee_id"),
    ("books_commentrequest_signed_by_id_08d3d2df", "signed_by_id"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("books", "0008_event_indexes"),
        ("orgs", "0002_load_units"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="commentrequest",
                    name="acknowledged_by",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AlterField(
                    model_name="commentrequest",
                    name="certified_by",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AlterField(
                    model_name="commentrequest",
                    name="requested_by",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AlterField(
                    model_name="commentrequest",
                    name="requesting_committee",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="orgs.organisation",
                    ),
                ),
                migrations.AlterField(
                    model_name="commentrequest",
                    name="residence_cell",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="cell_comment_requests",
                        to="orgs.organisation",
                    ),
                ),
                migrations.AlterField(
                    model_name="commentrequest",
                    name="residence_committee",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="comment_requests",
                        to="orgs.organisation",
                    ),
                ),
                migrations.AlterField(
                    model_name="commentrequest",
                    name="signed_by",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    [f'DROP INDEX IF EXISTS "{name}"' for name, _ in INDEXES],
                    [f'CREATE INDEX "{name}" ON "books_commentrequest" ("{column}")' for name, column in INDEXES],
                )
            ],
        ),
    ]
