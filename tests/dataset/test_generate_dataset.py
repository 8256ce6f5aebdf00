"""manage.py generate_dataset: a country's worth of books by COPY (docs/performance.md, "Dataset").

One run of 1,000 members (all 34 provinces, 3,321 communes, ≈ 25,000 residence cells) in the
test transaction, rolled back at the end of the module. PostgreSQL only: the command COPYs.
"""

import io
import re

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection, models, transaction
from django.test import Client, override_settings

from books import actions, audit
from books.models import (
    AnnualRating,
    Book,
    CommentRequest,
    CommentStatus,
    Event,
    EventChainHead,
    IntroductionLetter,
    LetterStatus,
    MeetingAttendance,
    ResidenceMeeting,
    ResidenceRegisterEntry,
    ViolationNotice,
)
from dataset import generate as engine
from members.models import Exemption, Member, validate_national_id, validate_party_card
from orgs.models import AdministrativeUnit, Organisation, OrgKind, Role, RoleAssignment
from orgs.text import fold, name_sort_key

ON_POSTGRES = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
MEMBERS = 1000
LOADED = (
    Member,
    Book,
    IntroductionLetter,
    ResidenceRegisterEntry,
    CommentRequest,
    ResidenceMeeting,
    MeetingAttendance,
    AnnualRating,
    ViolationNotice,
    Event,
)

pytestmark = pytest.mark.django_db


def indexes() -> set[tuple[str, str, bool]]:
    """(table, definition up to its WHERE, partial?): PostgreSQL prints a rebuilt predicate differently."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename, split_part(indexdef, ' WHERE ', 1), indexdef LIKE '%% WHERE %%' "
            "FROM pg_indexes WHERE tablename = ANY(%s)",
            [[m._meta.db_table for m in LOADED]],
        )
        return set(cursor.fetchall())


@pytest.fixture(scope="module")
def dataset(django_db_setup, django_db_blocker):
    """The output of one `generate_dataset --members 1000` run, and the indexes before it; rolled back."""
    if not ON_POSTGRES:
        pytest.skip("generate_dataset loads PostgreSQL with COPY; this suite runs on SQLite")
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
        transaction.atomic(),
    ):
        before = indexes()
        out = io.StringIO()
        call_command("generate_dataset", "--members", str(MEMBERS), "--workers", "1", stdout=out)
        yield {"output": out.getvalue(), "indexes_before": before}
        transaction.set_rollback(True)


def share(part: int, whole: int) -> float:
    return part / whole


def test_the_country_has_every_province_and_commune_with_about_25000_residence_cells(dataset):
    assert Organisation.objects.filter(kind=OrgKind.PROVINCE_BOARD).count() == 34
    communes = AdministrativeUnit.objects.filter(edition="2025", level="commune")
    committees = Organisation.objects.filter(kind=OrgKind.RESIDENCE_COMMITTEE)
    assert committees.count() == communes.count() == 3321
    assert set(committees.values_list("commune_id", flat=True)) == set(communes.values_list("pk", flat=True))
    cells = Organisation.objects.filter(kind=OrgKind.RESIDENCE_CELL)
    assert 22_000 <= cells.count() <= 28_000
    assert not cells.exclude(parent__kind=OrgKind.RESIDENCE_COMMITTEE).exists()
    assert not cells.exclude(commune_id=models.F("parent__commune_id")).exists()
    # workplace committees: at least one per province, cells under them, upper committees above
    workplace = Organisation.objects.filter(kind=OrgKind.WORKPLACE_COMMITTEE)
    assert set(workplace.values_list("province_code", flat=True)) == set(
        communes.values_list("province_code", flat=True)
    )
    assert not workplace.exclude(parent__kind=OrgKind.UPPER_COMMITTEE).exists()
    assert not Organisation.objects.filter(kind=OrgKind.WORKPLACE_CELL).exclude(parent__in=workplace).exists()
    # every committee has a secretary and a clerk, every cell its secretary
    for kind, roles in (
        (OrgKind.WORKPLACE_COMMITTEE, {Role.SECRETARY, Role.CLERK}),
        (OrgKind.RESIDENCE_COMMITTEE, {Role.SECRETARY, Role.CLERK}),
        (OrgKind.RESIDENCE_CELL, {Role.CELL_SECRETARY}),
        (OrgKind.PROVINCE_BOARD, {Role.BOARD_OFFICER}),
    ):
        orgs = Organisation.objects.filter(kind=kind).count()
        for role in roles:
            assert RoleAssignment.objects.filter(organisation__kind=kind, role=role).count() >= orgs


def test_members_come_in_the_proportions_of_real_life(dataset):
    members = Member.objects.all()
    assert members.count() == MEMBERS
    assert Book.objects.count() == MEMBERS and Book.objects.filter(term__start_year=2025).count() == MEMBERS
    e1 = members.filter(exemption__in=Exemption.e1()).count()
    e2 = members.filter(exemption=Exemption.E2).count()
    assert 0.05 <= share(e1, MEMBERS) <= 0.11
    assert 1 <= e2 <= 0.02 * MEMBERS
    moved = IntroductionLetter.objects.filter(status=LetterStatus.SUPERSEDED).count()
    assert 0.03 <= share(moved, MEMBERS) <= 0.07
    waiting = IntroductionLetter.objects.filter(status=LetterStatus.ISSUED).count()
    assert 0.01 <= share(waiting, MEMBERS) <= 0.08
    # E2: never introduced, never on the residence side
    e2_members = members.filter(exemption=Exemption.E2)
    assert not IntroductionLetter.objects.filter(book__member__in=e2_members).exists()
    assert not ResidenceRegisterEntry.objects.filter(member__in=e2_members).exists()
    assert not CommentRequest.objects.filter(book__member__in=e2_members).exists()
    # E1: introduced, but no periodic comment and no meetings
    e1_members = members.filter(exemption__in=Exemption.e1())
    assert not CommentRequest.objects.filter(book__member__in=e1_members, kind="periodic").exists()
    assert not MeetingAttendance.objects.filter(member__in=e1_members).exists()
    # everyone else introduced has one letter in force
    introduced = members.exclude(exemption=Exemption.E2)
    assert IntroductionLetter.objects.filter(status__in=LetterStatus.active()).count() == introduced.count()


def test_a_move_supersedes_the_letter_and_closes_the_register_row(dataset):
    for old in IntroductionLetter.objects.filter(status=LetterStatus.SUPERSEDED).select_related("superseded_by")[:50]:
        new = old.superseded_by
        assert new is not None and new.book_id == old.book_id and new.year == 2026
        assert new.residence_committee_id != old.residence_committee_id
        assert old.ended_on == new.issued_on and old.end_reason == "Chuyển nơi cư trú"
        closed = ResidenceRegisterEntry.objects.get(letter=old)
        assert closed.left_on == old.ended_on and closed.left_reason == "moved"
        member = old.book.member
        assert member.residence_commune_id == new.residence_commune_id != old.residence_commune_id


def test_comments_of_2025_are_back_and_2026_has_every_state_with_late_ones(dataset):
    periodic = CommentRequest.objects.filter(kind="periodic")
    y2025 = periodic.filter(year=2025)
    back = y2025.filter(status__in=[CommentStatus.RETURNED, CommentStatus.ACKNOWLEDGED]).count()
    assert share(back, y2025.count()) >= 0.95
    y2026 = periodic.filter(year=2026)
    assert set(y2026.values_list("status", flat=True)) == set(CommentStatus.values)
    assert 0.5 <= share(y2026.filter(status=CommentStatus.ACKNOWLEDGED).count(), y2026.count()) <= 0.7
    late = CommentRequest.objects.overdue().filter(year=2026).count()
    assert 0.1 <= share(late, y2026.count()) <= 0.4
    # a comment signed by the cell names the cell's secretary and carries the criteria of the profile
    signed = y2026.filter(status=CommentStatus.SIGNED).select_related("residence_cell", "book__profile").first()
    assert signed is not None and signed.residence_cell is not None and signed.signer_name
    assert set(signed.criteria) == {c["key"] for c in signed.book.profile.criteria}
    assert signed.summary in {s["key"] for s in signed.book.profile.summary_levels}
    # ratings of 2025 link the returned comment, or say they were made without one
    ratings = AnnualRating.objects.filter(year=2025)
    assert ratings.count() == Book.objects.filter(opened_on__year=2025).count()
    assert not ratings.filter(comment__isnull=True, without_comment=False).exists()
    assert ratings.filter(comment__isnull=False).count() == back


def test_meetings_list_the_members_registered_in_the_cell_on_the_day(dataset):
    assert ResidenceMeeting.objects.count() > 0
    for meeting in ResidenceMeeting.objects.order_by("pk")[:100]:
        members = set(meeting.attendance.values_list("member_id", flat=True))
        assert members
        registered = set(
            ResidenceRegisterEntry.objects.filter(cell=meeting.cell_id, entered_on__lte=meeting.held_on)
            .filter(models.Q(left_on__isnull=True) | models.Q(left_on__gte=meeting.held_on))
            .values_list("member_id", flat=True)
        )
        assert members <= registered
        assert meeting.half == (1 if meeting.held_on.month <= 6 else 2) and meeting.year == meeting.held_on.year


def test_rows_obey_the_models_rules_and_every_foreign_key_points_somewhere(dataset):
    for member in Member.objects.order_by("?")[:200]:
        validate_national_id(member.national_id, sex=member.sex, birth_date=member.birth_date)
        validate_party_card(member.party_card_number)
        assert member.sort_key == name_sort_key(member.full_name)
        assert member.search_text == f"{fold(member.full_name)} {member.party_card_number} {member.national_id}"
        assert (member.admitted_on - member.birth_date).days >= 18 * 365
    # the load ran with the foreign-key triggers off: check every foreign key of the loaded tables
    for model in LOADED:
        for fk in model._meta.concrete_fields:
            if not isinstance(fk, models.ForeignKey):
                continue
            target = fk.related_model._default_manager.values("pk")
            dangling = model._default_manager.filter(**{f"{fk.attname}__isnull": False}).exclude(
                **{f"{fk.attname}__in": target}
            )
            assert not dangling.exists(), f"{model.__name__}.{fk.name}"
    # the dropped indexes and unique constraints are back, exactly as the migrations made them
    assert indexes() == dataset["indexes_before"]


def test_the_event_chain_is_valid_and_verify_audit_passes(dataset):
    verdict = audit.verify()
    assert verdict.intact, verdict.broken and verdict.broken.describe()
    head = EventChainHead.objects.get(pk=1)
    assert head.seq == Event.objects.count() == verdict.checked
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    assert "Chuỗi nhật ký nguyên vẹn" in out.getvalue()
    # every member was registered; 2026's work is there action by action
    assert Event.objects.filter(verb="member_registered").count() == MEMBERS
    for verb in ("comment_requested", "comment_signed", "comment_certified", "comment_returned", "letter_received"):
        assert Event.objects.filter(verb=verb, at__year=2026).exists(), verb


def test_the_app_writes_after_the_load_sequences_and_chain_included(dataset):
    clerk_role = RoleAssignment.objects.filter(role=Role.CLERK, organisation__kind=OrgKind.WORKPLACE_COMMITTEE).first()
    committee = clerk_role.organisation
    cell = committee.children.first() or committee
    commune = AdministrativeUnit.objects.filter(edition="2025", level="commune").first()
    member = actions.register_member(
        by=clerk_role.user,
        workplace_cell=cell,
        full_name="Nguyễn Thị Mới",
        sex="F",
        birth_date="1990-05-04",
        admitted_on="2015-05-04",
        party_card_number="99999999",
        national_id="001190999999",
        residence_commune=commune,
        residence_line="Số 1, Khu phố 1",
    )
    assert member.pk == MEMBERS + 1  # the sequence was set past the generated ids
    letter = actions.issue_letter(member, by=RoleAssignment.objects.get(organisation=committee, role="secretary").user)
    largest = IntroductionLetter.objects.filter(issuing_committee=committee, year=2026).exclude(pk=letter.pk)
    assert letter.number == (largest.aggregate(n=models.Max("number"))["n"] or 0) + 1
    assert audit.verify().intact


def test_a_generated_clerk_sees_their_members_and_the_residence_clerk_their_register(dataset):
    committee = (
        Organisation.objects.filter(kind=OrgKind.WORKPLACE_COMMITTEE)
        .annotate(books=models.Count("held_books"))
        .order_by("-books")
        .first()
    )
    clerk = RoleAssignment.objects.get(organisation=committee, role=Role.CLERK).user
    client = Client()
    assert client.login(username=clerk.username, password=engine.PASSWORD)
    first = Member.objects.filter(books__holder=committee).vietnamese_order().first()
    page = client.get("/noi-cong-tac/dang-vien/")
    assert page.status_code == 200
    assert first.full_name in page.content.decode()
    assert client.get(f"/noi-cong-tac/dang-vien/{first.pk}/").status_code == 200
    for url in ("/noi-cong-tac/nhan-xet/", "/noi-cong-tac/nhan-xet/chua-gui-ve/", "/noi-cong-tac/xep-loai/"):
        assert client.get(url).status_code == 200, url

    entry = ResidenceRegisterEntry.objects.filter(left_on__isnull=True).select_related("residence_committee").first()
    residence_clerk = RoleAssignment.objects.get(organisation=entry.residence_committee, role=Role.CLERK).user
    client = Client()
    assert client.login(username=residence_clerk.username, password=engine.PASSWORD)
    register = client.get("/noi-cu-tru/so-theo-doi/")
    assert register.status_code == 200 and entry.member.full_name in register.content.decode()
    assert client.get("/noi-cu-tru/nhan-xet/").status_code == 200


def test_the_summary_prints_timings_rows_and_logins(dataset):
    output = dataset["output"]
    assert "Thời gian từng bước" in output and "books_event" in output
    assert re.search(r"members_member\s+1\.000", output)
    assert re.search(r"cq\d+\.vanthu", output) and "solienhe-bench" in output


def test_the_board_s_figures_are_counted_at_the_end_and_equal_a_recount(dataset):
    import datetime

    from tallies.models import CommitteeTally
    from tests.tallies.recount import assert_tallies_equal_a_recount

    committees = Organisation.objects.filter(kind__in=[OrgKind.RESIDENCE_COMMITTEE, OrgKind.WORKPLACE_COMMITTEE])
    counted = CommitteeTally.objects.filter(year=2026).values_list("organisation_id", flat=True)
    assert set(counted) == set(committees.values_list("pk", flat=True))
    assert re.search(r"tallies_committeetally\s+\d", dataset["output"])
    assert_tallies_equal_a_recount(datetime.date(2026, 11, 27))


def test_a_second_run_refuses_a_database_that_has_data_or_skips_it_with_if_empty(dataset):
    counts = {m: m._default_manager.count() for m in LOADED}
    with pytest.raises(CommandError, match="đã có dữ liệu"):
        call_command("generate_dataset", "--members", "10", "--workers", "1", stdout=io.StringIO())
    out = io.StringIO()
    call_command("generate_dataset", "--members", "10", "--if-empty", stdout=out)
    assert "Bỏ qua (--if-empty)" in out.getvalue()
    assert {m: m._default_manager.count() for m in LOADED} == counts


@pytest.mark.skipif(ON_POSTGRES, reason="the refusal on SQLite")
def test_on_sqlite_the_command_says_it_needs_postgresql():
    with pytest.raises(CommandError, match="chỉ chạy trên PostgreSQL"):
        call_command("generate_dataset", "--members", "10", stdout=io.StringIO())


def test_every_model_the_command_loads_is_listed_in_the_engine():
    tables = {m._meta.db_table for m in LOADED}
    assert tables == set(engine.LOADED_TABLES)
    assert all(apps.get_model(label) for label in ("books.Event", "members.Member"))
