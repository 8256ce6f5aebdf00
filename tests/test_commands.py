"""The commands: open_campaigns in October and rollover_term at the end of the term (cron), and
seed_demo's refusal to mix the demo with other data (its full run is in test_seed_demo.py)."""

import datetime
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError

from books import actions
from books.models import Book, CommentRequest, Event, LetterStatus, Term

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(year: int, month: int, day: int) -> datetime.datetime:
    return datetime.datetime(year, month, day, 9, 0, tzinfo=VN)


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def introduced(cast):
    """The cast's member, introduced in January 2026 and received in Long Châu."""
    with time_machine.travel(at(2026, 1, 12), tick=False):
        letter = actions.issue_letter(cast.member, by=cast.finance_clerk)
        return actions.confirm_letter(letter, cell=cast.lc_cell_1, by=cast.lc_clerk)


@pytest.mark.django_db
def test_open_campaigns_creates_the_requests_once(cast, introduced):
    with time_machine.travel(at(2026, 10, 2), tick=False):
        first = run("open_campaigns")
        second = run("open_campaigns")
    request = CommentRequest.objects.get()
    assert request.year == 2026 and request.book.member == cast.member
    assert request.requested_by is None  # the system asked, not a person
    assert "Đảng ủy Sở Tài chính: tạo 1 phiếu, đã có 0" in first
    assert "Tổng cộng: tạo 1 phiếu" in first
    assert "Đảng ủy Sở Tài chính: tạo 0 phiếu, đã có 1" in second
    assert Event.objects.filter(verb="comment_requested").count() == 1


@pytest.mark.django_db
def test_open_campaigns_refuses_politely_before_october(cast, introduced):
    with time_machine.travel(at(2026, 9, 15), tick=False):
        out = run("open_campaigns")  # a refusal by the rules is not a failure: exit code 0
    assert "Đảng ủy Sở Tài chính: không mở được — Chưa đến thời gian xin ý kiến nhận xét năm 2026" in out
    assert "2 cấp ủy không mở được đợt theo quy định" in out  # Sở Tài chính and Sở Y tế
    assert not CommentRequest.objects.exists()


@pytest.mark.django_db
def test_open_campaigns_runs_only_for_the_committees_named(cast, introduced):
    with time_machine.travel(at(2026, 10, 2), tick=False):
        out = run("open_campaigns", "--committee", str(cast.health.pk))
    assert "Đảng ủy Sở Y tế: tạo 0 phiếu" in out
    assert "Sở Tài chính" not in out
    assert not CommentRequest.objects.exists()


@pytest.mark.django_db
def test_open_campaigns_rejects_what_is_not_a_workplace_committee(cast):
    with pytest.raises(CommandError, match="Không phải cấp ủy cơ sở nơi công tác: Đảng ủy phường Long Châu"):
        run("open_campaigns", "--committee", str(cast.long_chau.pk))
    with pytest.raises(CommandError, match="Không có tổ chức đảng mã 999999"):
        run("open_campaigns", "--committee", "999999")


@pytest.mark.django_db
def test_rollover_term_refuses_before_the_end_year(cast, introduced):
    with time_machine.travel(at(2029, 12, 31), tick=False), pytest.raises(CommandError, match="chưa đến năm kết thúc"):
        run("rollover_term", "--yes")
    assert (Term.current().start_year, Term.current().end_year) == (2025, 2030)
    assert Book.objects.filter(status="open").count() == 1


@pytest.mark.django_db
def test_rollover_term_asks_for_yes_when_not_interactive(cast):
    with time_machine.travel(at(2030, 12, 20), tick=False), pytest.raises(CommandError, match="--yes"):
        run("rollover_term")
    assert Term.current().start_year == 2025


@pytest.mark.django_db
def test_rollover_term_opens_the_next_term_and_carries_the_letters(cast, introduced):
    with time_machine.travel(at(2030, 12, 20), tick=False):
        out = run("rollover_term", "--yes")
    term = Term.current()
    assert (term.start_year, term.end_year) == (2030, 2035)
    old_book = Book.objects.get(member=cast.member, term__start_year=2025)
    assert old_book.status == "closed" and old_book.closed_reason == "term_end"
    new_book = cast.member.books.get(status="open")
    assert new_book.term == term and new_book.holder == cast.finance
    carried = new_book.letters.get()
    assert carried.carried_over_from == introduced
    assert carried.status == LetterStatus.RECEIVED and carried.display_number == introduced.display_number
    assert "Đã kết thúc nhiệm kỳ 2025–2030 và mở nhiệm kỳ 2030–2035" in out
    assert "Giấy giới thiệu chuyển sang sổ mới: 1" in out
    with time_machine.travel(at(2030, 12, 21), tick=False), pytest.raises(CommandError, match="2030–2035 chưa đến"):
        run("rollover_term", "--yes")


@pytest.mark.django_db
def test_seed_demo_leaves_a_database_with_other_organisations_alone(cast):
    before = {model._meta.label: model._default_manager.count() for model in apps.get_models()}
    assert "bỏ qua nạp dữ liệu demo" in run("seed_demo", "--if-empty")
    with pytest.raises(CommandError, match="không thuộc dữ liệu demo"):
        run("seed_demo")
    assert "Chưa có dữ liệu demo" in run("demo_logins")
    assert {model._meta.label: model._default_manager.count() for model in apps.get_models()} == before
