"""seed_demo builds the promised province, caught on 27/11/2026, and never loads it twice.

The demo is seeded once for the module (inside a transaction rolled back at the end); each test
reads one promise off it.
"""

import datetime
import io
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from books.demo import DEMO_PASSWORD, DEMO_USERS
from books.models import (
    AnnualRating,
    Book,
    CommentKind,
    CommentRequest,
    CommentStatus,
    Event,
    IntroductionLetter,
    LeaveReason,
    LetterStatus,
    ResidenceMeeting,
    ResidenceRegisterEntry,
    ViolationNotice,
)
from members.models import Exemption, Member
from orgs.models import AdministrativeUnit, Organisation, OrgKind, Role, RoleAssignment

VN = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime.datetime(2026, 11, 27, 10, 0, tzinfo=VN)
TODAY = NOW.date()
MEMBERS = 150

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The output of one `seed_demo --members 150` run on 27/11/2026; rolled back afterwards."""
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
        transaction.atomic(),
    ):
        out = io.StringIO()
        with time_machine.travel(NOW, tick=False):
            call_command("seed_demo", "--members", str(MEMBERS), "--seed", "7", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


def row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def test_every_commune_of_the_province_has_a_residence_committee_with_cells(demo):
    communes = AdministrativeUnit.objects.filter(edition="2025", level="commune", province_code=86)
    committees = Organisation.objects.filter(kind=OrgKind.RESIDENCE_COMMITTEE, commune__in=communes)
    assert committees.count() == 124
    assert set(committees.values_list("commune_id", flat=True)) == set(communes.values_list("pk", flat=True))
    for committee in committees.select_related("commune"):
        assert committee.name in {
            f"Đảng ủy phường {committee.place_name}",
            f"Đảng ủy xã {committee.place_name}",
        }
        assert committee.letter_suffix == "ĐU" and committee.valid_until is None
        cells = committee.children.filter(kind=OrgKind.RESIDENCE_CELL)
        assert all(cell.commune_id == committee.commune_id and cell.area_name for cell in cells)
        # the successor of Phường 8 also holds the two cells it took over
        assert 3 <= cells.count() <= (10 if committee.commune.code == 28756 else 8)
    long_chau = committees.get(commune__code=29551)
    assert long_chau.name == "Đảng ủy phường Long Châu" and long_chau.place_name == "Long Châu"
    assert long_chau.children.filter(name="Chi bộ Khóm 1", has_executive=True).exists()
    cells = Organisation.objects.filter(kind=OrgKind.RESIDENCE_CELL)
    assert 0.3 < cells.filter(has_executive=True).count() / cells.count() < 0.7


def test_about_thirty_workplace_committees_with_their_cells(demo):
    committees = Organisation.objects.filter(kind=OrgKind.WORKPLACE_COMMITTEE)
    assert committees.count() >= 25
    assert committees.filter(name="Đảng ủy Sở Tài chính", letter_suffix="ĐU", place_name="Vĩnh Long").exists()
    for committee in committees:
        cells = committee.children.filter(kind=OrgKind.WORKPLACE_CELL).count()
        if committee.letter_suffix == "CB":  # a chi bộ cơ sở has its members directly
            assert cells == 0 and committee.name.startswith("Chi bộ ")
        else:
            assert 2 <= cells <= 6 and committee.name.startswith("Đảng ủy ")


def test_members_are_registered_with_plausible_particulars(demo):
    members = Member.objects.all()
    assert members.count() == MEMBERS
    assert Book.objects.filter(term__start_year=2025).count() == MEMBERS
    assert 0.3 < members.filter(sex="F").count() / MEMBERS < 0.6
    for member in members:
        assert 1965 <= member.birth_date.year <= 2000
        assert len(member.full_name.split()) >= 3  # family name first, then middle and given names
        assert (member.admitted_on - member.birth_date).days >= 18 * 365
        assert member.official_on is None or member.official_on >= member.admitted_on
        member.full_clean()  # CCCD digits, card number, units
    assert Event.objects.filter(verb="member_registered").count() == MEMBERS


def test_last_year_is_complete(demo):
    comments = CommentRequest.objects.filter(year=2025, kind=CommentKind.PERIODIC)
    assert comments.count() > MEMBERS * 0.7
    assert set(comments.values_list("status", flat=True)) == {CommentStatus.ACKNOWLEDGED}
    requested = set(comments.values_list("requested_on", flat=True))
    assert min(requested) >= datetime.date(2025, 10, 1) and max(requested) <= datetime.date(2025, 10, 5)
    ratings = AnnualRating.objects.filter(year=2025)
    assert ratings.count() > MEMBERS * 0.8
    assert all(datetime.date(2025, 12, 1) <= r.rated_on <= datetime.date(2025, 12, 31) for r in ratings)
    commented = CommentRequest.objects.filter(year=2025, status=CommentStatus.ACKNOWLEDGED)
    assert ratings.filter(without_comment=False).count() == commented.values("book").distinct().count()
    letters = IntroductionLetter.objects.filter(year=2025, issued_on__month__lte=2)
    assert letters.count() > MEMBERS * 0.7
    assert all(letter.received_on <= datetime.date(2025, 3, 31) for letter in letters if letter.received_on)
    meetings = ResidenceMeeting.objects.filter(year=2025)
    assert {m.held_on.month for m in meetings} == {6, 12}
    assert all(m.attendance.exists() for m in meetings)


def test_this_year_is_caught_in_the_middle(demo):
    waiting = IntroductionLetter.objects.filter(status=LetterStatus.ISSUED)
    assert waiting.exists()
    no_letter = Member.objects.filter(books__opened_on__year=2026, exemption="").exclude(books__letters__isnull=False)
    assert no_letter.exists()
    comments = CommentRequest.objects.filter(year=2026, kind=CommentKind.PERIODIC)
    states = set(comments.values_list("status", flat=True))
    assert {
        CommentStatus.REQUESTED,
        CommentStatus.DRAFTED,
        CommentStatus.SIGNED,
        CommentStatus.CERTIFIED,
        CommentStatus.RETURNED,
        CommentStatus.ACKNOWLEDGED,
    } <= states
    overdue = CommentRequest.objects.overdue(TODAY)
    assert overdue.exists() and all(request.is_overdue(TODAY) for request in overdue)
    assert overdue.count() < comments.count() / 2
    opened = Event.objects.filter(verb="comment_requested", data__year=2026, actor__isnull=False)
    assert {e.at.astimezone(VN).date() for e in opened} <= {datetime.date(2026, 10, d) for d in range(1, 6)}
    assert ResidenceMeeting.objects.filter(year=2026, half=1).exists()
    assert not ResidenceMeeting.objects.filter(year=2026, half=2).exists()
    assert not AnnualRating.objects.filter(year=2026).exists()
    assert Event.objects.filter(at__gt=NOW).count() == 0


def test_exempt_members(demo):
    e1 = Member.objects.filter(exemption__in=Exemption.e1())
    assert e1.filter(exemption=Exemption.E1A).exists()
    for member in e1.filter(exemption=Exemption.E1A):
        assert member.workplace_committee.parent.name in {"Đảng ủy Công an tỉnh", "Đảng ủy Quân sự tỉnh"}
    assert CommentRequest.objects.filter(kind=CommentKind.ON_DEMAND, book__member__in=e1).exists()
    assert not CommentRequest.objects.filter(year=2026, kind=CommentKind.PERIODIC, book__member__in=e1).exists()
    e2 = Member.objects.filter(exemption=Exemption.E2)
    assert e2.count() >= 2
    for member in e2:
        assert member.workplace_committee.parent.name in {"Đảng ủy Công an tỉnh", "Đảng ủy Quân sự tỉnh"}
        assert not IntroductionLetter.objects.filter(book__member=member, status__in=LetterStatus.active()).exists()
        assert not ResidenceRegisterEntry.objects.filter(member=member, left_on__isnull=True).exists()
        assert not CommentRequest.objects.filter(book__member=member, status__in=CommentStatus.open()).exists()
    never_introduced = e2.exclude(books__letters__isnull=False)
    assert never_introduced.exists()
    assert ResidenceRegisterEntry.objects.filter(member__in=e2, left_reason=LeaveReason.EXEMPT).exists()


def test_members_move_change_workplace_retire_and_get_notices(demo):
    superseded = IntroductionLetter.objects.filter(status=LetterStatus.SUPERSEDED)
    assert superseded.exists()
    for letter in superseded:
        assert letter.superseded_by is not None and letter.superseded_by.book_id == letter.book_id
        assert letter.register_entries.filter(left_reason=LeaveReason.MOVED).exists()
    assert Event.objects.filter(verb="workplace_changed").count() == 1
    retired = Book.objects.filter(closed_reason="retired")
    assert retired.count() == 2 and all(b.member.employment == "retired" for b in retired)
    notices = ViolationNotice.objects.all()
    assert {n.status for n in notices} == {"raised", "answered"}
    assert notices.filter(status="raised").get().is_overdue(TODAY)


def test_the_2025_merger_of_phuong_8_is_in_the_history(demo):
    old = Organisation.objects.get(name="Đảng ủy Phường 8")
    successor = Organisation.objects.get(kind=OrgKind.RESIDENCE_COMMITTEE, commune__code=28756, commune__edition="2025")
    assert old.commune.edition == "pre2025" and old.commune.code == 28759
    assert old.valid_until == datetime.date(2025, 6, 30) and old.successor == successor
    assert old.commune.valid_until == datetime.date(2025, 6, 30)
    merged = ResidenceRegisterEntry.objects.filter(residence_committee=old, left_reason=LeaveReason.MERGED)
    assert merged.exists() and all(e.left_on == datetime.date(2025, 6, 30) for e in merged)
    letters = IntroductionLetter.objects.filter(addressee=old)
    assert letters.exists()
    for letter in letters:
        assert letter.issued_on.year == 2025 and letter.received_on < datetime.date(2025, 7, 1)
        assert letter.residence_committee == successor and letter.residence_commune_id == old.commune_id
        assert ResidenceRegisterEntry.objects.filter(
            member=letter.book.member, residence_committee=successor, entered_on=datetime.date(2025, 7, 1)
        ).exists()
    assert Event.objects.filter(verb="communes_merged").count() == 1


def test_every_demo_login_authenticates(demo):
    for spec in DEMO_USERS:
        user = authenticate(username=spec.username, password=DEMO_PASSWORD)
        assert user is not None, spec.username
        assert user.is_superuser == spec.superuser
        assert spec.username in demo
    member = Member.objects.get(user__username="dv_thuha")
    book = member.books.get(status="open")
    assert book.letters.get().status == LetterStatus.RECEIVED
    assert book.comments.get(year=2025).status == CommentStatus.ACKNOWLEDGED
    assert book.ratings.filter(year=2025, without_comment=False).exists()
    # a login for every role there is, the deputy secretary too
    assert {spec.role for spec in DEMO_USERS if spec.role} == set(Role.values)
    # every committee has a secretary who can sign its letters
    for committee in Organisation.objects.filter(kind__in=[OrgKind.WORKPLACE_COMMITTEE, OrgKind.RESIDENCE_COMMITTEE]):
        assert committee.role_assignments.filter(role="secretary").exists(), committee


def test_the_deputy_secretary_works_for_the_finance_committee_and_lands_on_its_home(demo, client):
    deputy = RoleAssignment.objects.get(user__username="tc_phobithu")
    assert (deputy.organisation.name, deputy.role) == ("Đảng ủy Sở Tài chính", Role.DEPUTY)
    assert deputy.user.full_name == "Phan Thị Ngọc Lan"
    assert re.search(r"Phó bí thư đảng ủy nơi công tác +tc_phobithu +solienhe-demo +Đảng ủy Sở Tài chính\n", demo)
    assert client.login(username="tc_phobithu", password=DEMO_PASSWORD)
    with time_machine.travel(NOW, tick=False):
        response = client.get("/")
    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "accounts/home_workplace.html"
    assert "Đảng ủy Sở Tài chính" in response.content.decode()


def test_a_second_run_adds_nothing(demo):
    before = row_counts()
    out = io.StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("seed_demo", "--members", str(MEMBERS), stdout=out)
        call_command("seed_demo", "--if-empty", stdout=out)
    assert row_counts() == before
    assert "Dữ liệu demo đã có sẵn" in out.getvalue()
    assert out.getvalue().count("dv_thuha") == 2  # the logins are printed either way
    assert out.getvalue().count("tc_phobithu") == 2
    logins = io.StringIO()
    call_command("demo_logins", stdout=logins)
    assert "tc_bithu" in logins.getvalue() and DEMO_PASSWORD in logins.getvalue()
