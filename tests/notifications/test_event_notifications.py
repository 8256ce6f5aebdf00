"""After each action, whoever must act next is told (and nobody else); doing the work clears it."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from books import actions
from books.models import Event
from notifications.events import notify_events
from notifications.models import Notification, NotificationKind
from tests.cast import FRONT_PARTICIPANT, PHU_KHUONG, commune, grant, introduce, is_vietnamese

JAN = datetime.date(2026, 1, 10)
OCT = datetime.date(2026, 10, 2)
NOTICE = "Không chấp hành quy định về giữ gìn vệ sinh môi trường của khóm, đã được nhắc nhở hai lần."


def told(kind, *, unread=None):
    """{username: organisation name} of everyone told of `kind` (unread only / read only if asked)."""
    rows = Notification.objects.filter(kind=kind).select_related("recipient", "organisation")
    if unread is not None:
        rows = rows.filter(read_at__isnull=unread)
    return sorted((n.recipient.username, n.organisation.name if n.organisation else None) for n in rows)


LC_STAFF = [("lc_bithu", "Đảng ủy phường Long Châu"), ("lc_vanthu", "Đảng ủy phường Long Châu")]
FINANCE_STAFF = [("tc_bithu", "Đảng ủy Sở Tài chính"), ("tc_vanthu", "Đảng ủy Sở Tài chính")]
LC_CELL_1 = [("lc_k1_bithu", "Chi bộ Khóm 1")]


@pytest.fixture
def introduced(cast):
    with time_machine.travel(JAN):
        introduce(cast, cast.member, cell=cast.lc_cell_1)
    return cast.member


@pytest.fixture
def requested(cast, introduced, committed):
    with committed(), time_machine.travel(OCT):
        return actions.open_campaign(cast.finance, by=cast.finance_clerk).created[0]


def sign(cast, request):
    criteria = {c["key"]: "Gương mẫu, tích cực." for c in request.book.profile.criteria}
    with time_machine.travel(datetime.date(2026, 10, 20)):
        return actions.sign_comment(
            request, by=cast.lc_cell_secretary, criteria=criteria, summary="tot", front_participant=FRONT_PARTICIPANT
        )


# --------------------------------------------------------------------------- letters


def test_a_new_letter_tells_the_staff_of_its_residence_committee_and_nobody_else(cast, committed):
    with committed(), time_machine.travel(JAN):
        letter = actions.issue_letter(cast.member, by=cast.finance_clerk)
    assert told(NotificationKind.LETTER_TO_RECEIVE) == LC_STAFF
    assert Notification.objects.count() == 2  # not the cells, not Phú Khương, not the workplace, not the board
    n = Notification.objects.get(recipient=cast.lc_clerk)
    assert n.title == "Có giấy giới thiệu mới cần tiếp nhận"
    assert "Nguyễn Văn An" in n.body and letter.display_number in n.body and "10/01/2026" in n.body
    assert is_vietnamese(n.body)
    assert n.member == cast.member and n.event.verb == "letter_issued" and n.object_key == f"letter:{letter.pk}"
    assert n.created_at.date() == JAN and n.read_at is None
    assert n.link.startswith("/")


def test_a_letter_to_another_commune_tells_that_commune_committee(cast, committed):
    member = cast.member_factory(full_name="Trần Văn Ba", commune_code=PHU_KHUONG)
    with committed(), time_machine.travel(JAN):
        actions.issue_letter(member, by=cast.finance_clerk)
    assert told(NotificationKind.LETTER_TO_RECEIVE) == [("pk_bithu", "Đảng ủy phường Phú Khương")]


def test_receiving_the_letter_clears_it_for_every_staff_member_and_tells_the_cell(cast, committed):
    with committed(), time_machine.travel(JAN):
        letter = actions.issue_letter(cast.member, by=cast.finance_clerk)
    with committed(), time_machine.travel(JAN + datetime.timedelta(days=2)):
        actions.confirm_letter(letter, cell=cast.lc_cell_1, by=cast.lc_clerk)
    assert told(NotificationKind.LETTER_TO_RECEIVE, unread=True) == []
    assert told(NotificationKind.LETTER_TO_RECEIVE, unread=False) == LC_STAFF
    assert told(NotificationKind.MEMBER_ASSIGNED) == LC_CELL_1
    assert "12/01/2026" in Notification.objects.get(kind=NotificationKind.MEMBER_ASSIGNED).body


def test_the_new_member_notice_clears_once_the_cell_writes_the_members_comment(cast, requested, committed):
    assert told(NotificationKind.MEMBER_ASSIGNED, unread=True) == []  # introduced outside `committed`
    Notification.objects.create(
        recipient=cast.lc_cell_secretary,
        organisation=cast.lc_cell_1,
        kind=NotificationKind.MEMBER_ASSIGNED,
        title="Có đảng viên mới về sinh hoạt tại chi bộ",
        object_key=f"assigned:{cast.member.pk}",
    )
    with committed():
        actions.write_comment(requested, by=cast.lc_cell_secretary, shortcomings="Chưa có.")
    assert told(NotificationKind.MEMBER_ASSIGNED, unread=False) == LC_CELL_1


def test_the_person_who_acted_is_not_told_of_their_own_action(cast, committed):
    grant(cast.finance_clerk, cast.long_chau, "clerk")  # a clerk on both sides
    with committed(), time_machine.travel(JAN):
        actions.issue_letter(cast.member, by=cast.finance_clerk)
    assert told(NotificationKind.LETTER_TO_RECEIVE) == LC_STAFF


def test_a_change_of_residence_sends_the_new_letter_to_the_new_committee(cast, introduced, committed):
    with committed(), time_machine.travel(datetime.date(2026, 3, 2)):
        actions.change_residence(
            cast.member, commune=commune(PHU_KHUONG), line="Số 5, đường Lê Lợi", by=cast.finance_secretary
        )
    assert told(NotificationKind.LETTER_TO_RECEIVE, unread=True) == [("pk_bithu", "Đảng ủy phường Phú Khương")]


# --------------------------------------------------------------------------- comments


def test_a_campaign_tells_each_cell_secretary_of_the_requests_to_write(cast, introduced, committed):
    grant(cast.pk_cell_secretary, cast.lc_cell_2, "cell_secretary")
    second = cast.member_factory(full_name="Lê Văn Bé")
    with time_machine.travel(JAN):
        introduce(cast, second, cell=cast.lc_cell_2)
    with committed(), time_machine.travel(OCT):
        created = actions.open_campaign(cast.finance, by=cast.finance_clerk).created
    assert len(created) == 2
    assert told(NotificationKind.COMMENT_TO_WRITE) == [
        ("lc_k1_bithu", "Chi bộ Khóm 1"),
        ("pk_kp3_bithu", "Chi bộ Khóm 2"),
    ]
    n = Notification.objects.get(recipient=cast.lc_cell_secretary)
    assert "Nguyễn Văn An" in n.body and "31/10/2026" in n.body and "Lê Văn Bé" not in n.body
    assert n.created_at.date() == OCT


def test_a_request_whose_letter_is_not_received_yet_goes_to_the_committee_then_to_the_cell(cast, committed):
    with time_machine.travel(JAN):
        letter = actions.issue_letter(cast.member, by=cast.finance_clerk)
    with committed(), time_machine.travel(OCT):
        actions.open_campaign(cast.finance, by=cast.finance_clerk)
    assert told(NotificationKind.COMMENT_TO_WRITE) == LC_STAFF
    assert "chưa được phân công chi bộ" in Notification.objects.filter(kind=NotificationKind.COMMENT_TO_WRITE)[0].body
    with committed(), time_machine.travel(OCT + datetime.timedelta(days=1)):
        actions.confirm_letter(letter, cell=cast.lc_cell_1, by=cast.lc_secretary)
    assert told(NotificationKind.COMMENT_TO_WRITE, unread=True) == LC_CELL_1
    assert told(NotificationKind.COMMENT_TO_WRITE, unread=False) == LC_STAFF


def test_a_cell_without_a_secretary_in_the_system_sends_the_request_to_its_committee(cast, committed):
    with time_machine.travel(JAN):
        introduce(cast, cast.member, cell=cast.lc_cell_2)
    with committed(), time_machine.travel(OCT):
        actions.open_campaign(cast.finance, by=cast.finance_clerk)
    assert told(NotificationKind.COMMENT_TO_WRITE) == LC_STAFF
    assert "Chi bộ Khóm 2 chưa có bí thư" in Notification.objects.filter(kind=NotificationKind.COMMENT_TO_WRITE)[0].body


def test_moving_a_member_to_another_cell_moves_the_request_to_write(cast, requested, committed):
    grant(cast.pk_cell_secretary, cast.lc_cell_2, "cell_secretary")
    with committed(), time_machine.travel(OCT + datetime.timedelta(days=3)):
        actions.reassign_cell(cast.member, cell=cast.lc_cell_2, by=cast.lc_clerk)
    assert told(NotificationKind.COMMENT_TO_WRITE, unread=True) == [("pk_kp3_bithu", "Chi bộ Khóm 2")]
    assert told(NotificationKind.COMMENT_TO_WRITE, unread=False) == LC_CELL_1
    assert told(NotificationKind.MEMBER_ASSIGNED, unread=True) == [("pk_kp3_bithu", "Chi bộ Khóm 2")]
    with committed(), time_machine.travel(OCT + datetime.timedelta(days=4)):
        actions.reassign_cell(cast.member, cell=cast.lc_cell_1, by=cast.lc_clerk)
    assert told(NotificationKind.MEMBER_ASSIGNED, unread=True) == LC_CELL_1


def test_an_on_demand_request_tells_the_cell_secretary(cast, introduced, committed):
    with time_machine.travel(JAN + datetime.timedelta(days=5)):
        actions.set_exemption(cast.member, exemption="E1b", reason="Công tác lưu động", by=cast.finance_secretary)
    with committed(), time_machine.travel(datetime.date(2026, 5, 4)):
        actions.request_comment_on_demand(cast.book(cast.member), reason="reward", by=cast.finance_clerk)
    assert told(NotificationKind.COMMENT_TO_WRITE) == LC_CELL_1
    assert "khi cần" in Notification.objects.get(kind=NotificationKind.COMMENT_TO_WRITE).body


def test_a_signed_comment_asks_the_residence_committee_to_certify_and_clears_the_writing(cast, requested, committed):
    with committed():
        sign(cast, requested)
    assert told(NotificationKind.COMMENT_TO_WRITE, unread=True) == []
    assert told(NotificationKind.COMMENT_TO_CERTIFY) == LC_STAFF
    assert "15/11/2026" in Notification.objects.filter(kind=NotificationKind.COMMENT_TO_CERTIFY)[0].body


def test_a_comment_sent_back_asks_the_cell_to_correct_it(cast, requested, committed):
    sign(cast, requested)
    with committed():
        actions.send_back_comment(requested, reason="Thiếu ý kiến của ban công tác Mặt trận.", by=cast.lc_secretary)
    assert told(NotificationKind.COMMENT_TO_FIX) == LC_CELL_1
    assert "Thiếu ý kiến" in Notification.objects.get(kind=NotificationKind.COMMENT_TO_FIX).body


def test_certifying_clears_the_certify_notification(cast, requested, committed):
    with committed():
        sign(cast, requested)
    with committed(), time_machine.travel(datetime.date(2026, 10, 25)):
        actions.certify_comment(requested, by=cast.lc_secretary)
    assert told(NotificationKind.COMMENT_TO_CERTIFY, unread=True) == []


def test_a_returned_comment_asks_the_requesting_workplace_committee_to_acknowledge(cast, requested, committed):
    sign(cast, requested)
    with time_machine.travel(datetime.date(2026, 10, 25)):
        actions.certify_comment(requested, by=cast.lc_secretary)
    with committed(), time_machine.travel(datetime.date(2026, 11, 1)):
        actions.return_comment(requested, by=cast.lc_clerk)
    assert told(NotificationKind.COMMENT_TO_ACKNOWLEDGE) == FINANCE_STAFF  # not Sở Y tế, not the cell
    with committed(), time_machine.travel(datetime.date(2026, 11, 5)):
        actions.acknowledge_comment(requested, by=cast.finance_clerk)
    assert told(NotificationKind.COMMENT_TO_ACKNOWLEDGE, unread=True) == []


# --------------------------------------------------------------------------- notices, workplace, address


def test_a_notice_asks_the_workplace_committee_to_answer_and_the_answer_goes_back(cast, introduced, committed):
    with committed(), time_machine.travel(datetime.date(2026, 8, 3)):
        notice = actions.raise_notice(
            cast.member, description=NOTICE, observed_on=datetime.date(2026, 7, 30), by=cast.lc_clerk
        )
    assert told(NotificationKind.NOTICE_TO_ANSWER) == FINANCE_STAFF
    assert "02/09/2026" in Notification.objects.filter(kind=NotificationKind.NOTICE_TO_ANSWER)[0].body
    with committed(), time_machine.travel(datetime.date(2026, 8, 10)):
        actions.answer_notice(
            notice, answer="Chi bộ đã kiểm điểm, đồng chí đã nhận khuyết điểm.", by=cast.finance_clerk
        )
    assert told(NotificationKind.NOTICE_TO_ANSWER, unread=True) == []
    assert told(NotificationKind.NOTICE_ANSWERED) == LC_STAFF


def test_a_book_passing_to_another_workplace_committee_tells_that_committee(cast, introduced, committed):
    with committed(), time_machine.travel(datetime.date(2026, 4, 1)):
        actions.change_workplace(cast.member, cell=cast.health_cell, by=cast.finance_secretary)
    assert told(NotificationKind.BOOK_TRANSFERRED) == [("yt_bithu", "Đảng ủy Sở Y tế")]


def test_an_address_change_goes_to_the_workplace_and_the_answer_to_the_member(cast, introduced, committed):
    with committed(), time_machine.travel(datetime.date(2026, 3, 1)):
        change = actions.request_address_change(
            cast.member,
            by=cast.member_user,
            commune=commune(PHU_KHUONG),
            line="Số 9, đường Nguyễn Huệ",
            moving_on=datetime.date(2026, 3, 1),
        )
    assert told(NotificationKind.ADDRESS_CHANGE) == FINANCE_STAFF
    with committed(), time_machine.travel(datetime.date(2026, 3, 3)):
        actions.handle_address_change(change, accept=True, by=cast.finance_clerk)
    assert told(NotificationKind.ADDRESS_CHANGE, unread=True) == []
    assert told(NotificationKind.ADDRESS_CHANGE_HANDLED) == [("dv_an", None)]
    assert told(NotificationKind.LETTER_TO_RECEIVE, unread=True) == [("pk_bithu", "Đảng ủy phường Phú Khương")]


def test_a_rejected_address_change_tells_the_member_why(cast, introduced, committed):
    with time_machine.travel(datetime.date(2026, 3, 1)):
        change = actions.request_address_change(
            cast.member,
            by=cast.member_user,
            commune=commune(PHU_KHUONG),
            line="Số 9, đường Nguyễn Huệ",
            moving_on=datetime.date(2026, 3, 1),
        )
    with committed(), time_machine.travel(datetime.date(2026, 3, 3)):
        actions.handle_address_change(change, accept=False, answer="Chưa có xác nhận cư trú.", by=cast.finance_clerk)
    n = Notification.objects.get(kind=NotificationKind.ADDRESS_CHANGE_HANDLED)
    assert (n.recipient, n.title) == (cast.member_user, "Đề nghị chuyển nơi cư trú không được chấp nhận")
    assert "Chưa có xác nhận cư trú." in n.body


# --------------------------------------------------------------------------- E2, rollback, queries


def test_an_e2_member_disappears_from_every_residence_side_notification(cast, requested, committed):
    with committed():
        actions.raise_notice(cast.member, description=NOTICE, observed_on=datetime.date(2026, 10, 1), by=cast.lc_clerk)
    assert Notification.objects.filter(organisation__kind__in=["residence", "residence_cell"]).exists()
    with committed():
        actions.set_exemption(cast.member, exemption="E2", reason="Nhiệm vụ cần giữ bí mật", by=cast.finance_secretary)
    assert not Notification.objects.filter(organisation__kind__in=["residence", "residence_cell"]).exists()
    assert told(NotificationKind.NOTICE_TO_ANSWER) == FINANCE_STAFF  # the workplace side keeps its own


def test_the_residence_side_is_never_told_about_an_e2_member_even_in_one_batch(cast, introduced, committed):
    """The whole request → E2 sequence commits at once: nothing reaches the residence side."""
    from django.db import transaction

    with committed(), transaction.atomic():
        with time_machine.travel(OCT):
            actions.open_campaign(cast.finance, by=cast.finance_clerk)
        actions.set_exemption(cast.member, exemption="E2", reason="Nhiệm vụ cần giữ bí mật", by=cast.finance_secretary)
    assert not Notification.objects.filter(organisation__kind__in=["residence", "residence_cell"]).exists()


def test_a_refused_or_rolled_back_action_notifies_nobody(cast, committed):
    from django.db import transaction

    with committed(), pytest.raises(RuntimeError), transaction.atomic(), time_machine.travel(JAN):
        actions.issue_letter(cast.member, by=cast.finance_clerk)
        raise RuntimeError("hủy")
    assert not Notification.objects.exists()


def test_one_commit_of_many_events_costs_the_same_queries_as_one(cast):
    def events_for(n):
        members = [cast.member_factory() for _ in range(n)]
        with time_machine.travel(JAN):
            first = Event.objects.order_by("-pk").values_list("pk", flat=True).first()
            letters = actions.issue_letters(members, by=cast.finance_clerk)
            actions.confirm_letters([(letter, cast.lc_cell_1) for letter in letters], by=cast.lc_clerk)
        return list(Event.objects.filter(pk__gt=first).values_list("pk", flat=True))

    few, many = events_for(2), events_for(20)
    counts = []
    for ids in (few, many):
        with CaptureQueriesContext(connection) as ctx:
            notify_events(ids)
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]
    assert Notification.objects.filter(kind=NotificationKind.MEMBER_ASSIGNED).count() == 22


def test_every_link_leads_to_a_page_of_this_site(cast, requested, committed):
    from django.urls import resolve

    with committed():
        sign(cast, requested)
    with committed():
        actions.raise_notice(cast.member, description=NOTICE, observed_on=datetime.date(2026, 10, 1), by=cast.lc_clerk)
    links = set(Notification.objects.values_list("link", flat=True))
    assert len(links) >= 2
    for link in links:
        assert link.startswith("/") and resolve(link)


def test_a_link_falls_back_to_the_next_page_that_exists_then_home():
    from django.urls import reverse

    from notifications.links import first_link

    assert first_link([("khong:co", "object"), ("notifications:open", "object")], object_id=7) == reverse(
        "notifications:open", args=[7]
    )
    assert first_link([("notifications:open", "member")], object_id=7) == reverse("home")  # no member: skipped
    assert first_link([("khong:co", None)]) == reverse("home")
