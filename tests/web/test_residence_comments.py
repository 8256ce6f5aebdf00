"""Residence committee: comments to certify, send back or return (one or several at once), the
requests still waiting at the cells, and a paper comment form entered on behalf of a cell."""

from unittest import mock

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from books import actions
from books.models import CommentRequest, CommentStatus, Event
from tests.cast import FRONT_PARTICIPANT, PASSWORD, PHU_KHUONG, comment_at, full_comment
from tests.web.residence_rows import TODAY, body, bulk_members, secrets_of


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY):
        yield


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def comments_url(**params):
    return reverse("residence:comments")


def status_of(obj):
    return CommentRequest.objects.get(pk=obj.pk).status


def foreign(cast, status):
    """A comment of a member living in Phú Khương (another residence committee)."""
    member = cast.member_factory(full_name="Tô Văn Khác", commune_code=PHU_KHUONG)
    return comment_at(cast, status, member, cell=cast.pk_cell)


# --------------------------------------------------------------------------- reading and acting one by one


def test_a_signed_comment_is_read_in_full(client, cast):
    comment_at(cast, CommentStatus.SIGNED)
    login(client, cast.lc_secretary)
    response = client.get(comments_url())
    assert response.status_code == 200
    page = body(response)
    profile = actions.default_profile()
    for text in (
        "Nguyễn Văn An",
        "Chi bộ Khóm 1",
        "Đảng ủy Sở Tài chính xin ý kiến",
        *(c["label"] for c in profile.criteria),
        "Gương mẫu, tích cực tham gia phong trào của khóm.",
        "Hoàn thành tốt trách nhiệm nơi cư trú",
        FRONT_PARTICIPANT,
        "T/M CHI ỦY, BÍ THƯ Nguyễn Thị Bảy",
        "20/10/2026",
        "Xác nhận nhận xét",
        "Trả lại chi bộ",
    ):
        assert text in page, text
    assert cast.member.party_card_number not in page and cast.member.national_id not in page


def test_certify_then_return_one_comment(client, cast):
    request = comment_at(cast, CommentStatus.SIGNED)
    login(client, cast.lc_clerk)
    with mock.patch.object(actions, "certify_comment", wraps=actions.certify_comment) as spy:
        response = client.post(reverse("residence:certify", args=[request.pk]), {"tiep": "/noi-cu-tru/nhan-xet/"})
    assert response.status_code == 302 and spy.call_count == 1
    assert status_of(request) == CommentStatus.CERTIFIED
    assert "Đã xác nhận nhận xét của đồng chí Nguyễn Văn An" in body(client.get(comments_url()))
    page = body(client.get(comments_url() + "?trang_thai=da_xac_nhan"))
    assert "Gửi về nơi công tác" in page and "Nguyễn Văn An" in page
    response = client.post(reverse("residence:return", args=[request.pk]))
    assert response.status_code == 302
    assert status_of(request) == CommentStatus.RETURNED
    assert [e.verb for e in Event.objects.filter(actor=cast.lc_clerk, verb__startswith="comment").order_by("pk")] == [
        "comment_certified",
        "comment_returned",
    ]


def test_a_refused_step_says_why(client, cast):
    request = comment_at(cast, CommentStatus.SIGNED)
    login(client, cast.lc_clerk)
    client.post(reverse("residence:return", args=[request.pk]))
    assert status_of(request) == CommentStatus.SIGNED
    assert "Chỉ gửi lại được nhận xét đã xác nhận." in body(client.get(comments_url()))


def test_a_comment_is_sent_back_to_the_cell_with_a_reason(client, cast):
    request = comment_at(cast, CommentStatus.SIGNED)
    login(client, cast.lc_secretary)
    target = reverse("residence:send_back", args=[request.pk])
    page = body(client.get(target))
    assert "Gương mẫu, tích cực tham gia phong trào của khóm." in page and "Lý do trả lại" in page
    response = client.post(target, {"reason": ""})
    assert response.status_code == 200
    assert "Hãy ghi lý do trả lại để chi bộ biết cần sửa gì." in body(response)
    assert status_of(request) == CommentStatus.SIGNED
    with mock.patch.object(actions, "send_back_comment", wraps=actions.send_back_comment) as spy:
        response = client.post(target, {"reason": "Ghi rõ ý kiến của ban công tác Mặt trận."})
    assert response.status_code == 302 and spy.call_count == 1
    assert status_of(request) == CommentStatus.DRAFTED
    event = Event.objects.get(verb="comment_sent_back")
    assert event.data == {"reason": "Ghi rõ ý kiến của ban công tác Mặt trận."}


def test_sending_back_a_certified_comment_is_refused_and_keeps_the_reason(client, cast):
    request = comment_at(cast, CommentStatus.SIGNED)
    login(client, cast.lc_secretary)
    target = reverse("residence:send_back", args=[request.pk])
    client.get(target)
    actions.certify_comment(request, by=cast.lc_clerk)
    response = client.post(target, {"reason": "Sửa lại phần khuyết điểm."})
    assert response.status_code == 200
    assert "Chỉ trả lại được nhận xét chi bộ đã ký, chưa xác nhận." in body(response)
    assert status_of(request) == CommentStatus.CERTIFIED


# --------------------------------------------------------------------------- several at once


def test_several_comments_are_certified_and_returned_in_one_go(client, cast):
    first = comment_at(cast, CommentStatus.SIGNED)
    second = comment_at(cast, CommentStatus.SIGNED, cast.member_factory(full_name="Lê Văn Bình"))
    login(client, cast.lc_clerk)
    response = client.post(reverse("residence:comments_bulk"), {"chon": [first.pk, second.pk], "viec": "xac_nhan_gui"})
    assert response.status_code == 302
    assert {status_of(first), status_of(second)} == {CommentStatus.RETURNED}
    assert Event.objects.filter(verb="comment_certified").count() == 2
    assert Event.objects.filter(verb="comment_returned").count() == 2
    page = body(client.get(comments_url()))
    assert "Đã xác nhận và gửi về nơi công tác 2 phiếu: Nguyễn Văn An, Lê Văn Bình." in page


def test_in_a_batch_each_comment_is_its_own_action_and_refusals_are_reported_together(client, cast):
    done = comment_at(cast, CommentStatus.SIGNED)
    already = comment_at(cast, CommentStatus.CERTIFIED, cast.member_factory(full_name="Lê Văn Bình"))
    login(client, cast.lc_clerk)
    client.post(reverse("residence:comments_bulk"), {"chon": [done.pk, already.pk], "viec": "xac_nhan"})
    assert status_of(done) == CommentStatus.CERTIFIED
    assert status_of(already) == CommentStatus.CERTIFIED
    page = body(client.get(comments_url()))
    assert "Đã xác nhận 1 phiếu: Nguyễn Văn An." in page
    assert "Chưa xác nhận được 1 phiếu — Lê Văn Bình: Chỉ xác nhận được nhận xét chi bộ đã ký." in page
    client.post(reverse("residence:comments_bulk"), {"chon": [done.pk, already.pk], "viec": "gui"})
    assert {status_of(done), status_of(already)} == {CommentStatus.RETURNED}


def test_a_batch_with_nothing_chosen_says_what_to_do(client, cast):
    login(client, cast.lc_clerk)
    response = client.post(reverse("residence:comments_bulk"), {"viec": "xac_nhan"}, follow=True)
    assert "Hãy chọn ít nhất một phiếu và một việc cần làm." in body(response)


# --------------------------------------------------------------------------- waiting at the cells


def test_the_requests_waiting_at_the_cells_are_grouped_by_cell_with_overdue_flagged(client, cast):
    comment_at(cast, CommentStatus.REQUESTED)
    comment_at(cast, CommentStatus.DRAFTED, cast.member_factory(full_name="Lê Văn Bình"), cell=cast.lc_cell_2)
    login(client, cast.lc_clerk)
    response = client.get(reverse("residence:waiting"))
    assert response.status_code == 200
    summary = {cell.name: (row["total"], row["overdue"]) for cell, row in response.context["summary"]}
    assert summary == {"Chi bộ Khóm 1": (1, 1), "Chi bộ Khóm 2": (1, 1)}
    page = body(response)
    assert page.index("<h2>Chi bộ Khóm 1</h2>") < page.index("Nguyễn Văn An") < page.index("<h2>Chi bộ Khóm 2</h2>")
    assert page.index("<h2>Chi bộ Khóm 2</h2>") < page.index("Lê Văn Bình")
    assert "Quá hạn" in page
    only_k2 = body(client.get(reverse("residence:waiting"), {"chi_bo": cast.lc_cell_2.pk}))
    assert "Lê Văn Bình" in only_k2 and "Nguyễn Văn An" not in only_k2


def test_a_request_for_a_letter_not_yet_received_waits_without_a_cell(client, cast):
    bulk_members(cast, 1, letter_status="issued", comment_status=CommentStatus.REQUESTED, name="Mai Văn Chờ")
    login(client, cast.lc_clerk)
    response = client.get(reverse("residence:waiting"))
    assert response.context["unassigned"]["total"] == 1
    assert "Chưa phân công chi bộ" in body(response) and "Mai Văn Chờ" in body(response)


# --------------------------------------------------------------------------- paper form on behalf of a cell


def test_the_committee_enters_a_paper_comment_naming_the_secretary_who_signed_it(client, cast):
    request = comment_at(cast, CommentStatus.REQUESTED)
    login(client, cast.lc_clerk)
    target = reverse("residence:paper_comment", args=[request.pk])
    assert client.get(target).status_code == 200
    content = full_comment()
    data = {f"criteria_{k}": v for k, v in content["criteria"].items()}
    data.update(summary=content["summary"], front_participant=content["front_participant"])
    response = client.post(target, {**data, "viec": "ky"})
    assert response.status_code == 200
    assert "Nhập phiếu giấy thay chi bộ: hãy ghi tên bí thư đã ký trên phiếu." in body(response)
    assert response.context["form"]["front_participant"].value() == FRONT_PARTICIPANT
    assert status_of(request) == CommentStatus.REQUESTED
    response = client.post(target, {**data, "on_behalf_of": "Nguyễn Thị Bảy", "viec": "nhap"})
    assert response.status_code == 302 and status_of(request) == CommentStatus.DRAFTED
    assert client.get(target).context["form"]["on_behalf_of"].value() == "Nguyễn Thị Bảy"
    response = client.post(target, {**data, "on_behalf_of": "Nguyễn Thị Bảy", "viec": "ky"})
    assert response.status_code == 302
    signed = CommentRequest.objects.get(pk=request.pk)
    assert signed.status == CommentStatus.SIGNED
    assert (signed.signer_name, signed.entered_on_behalf_of) == ("Nguyễn Thị Bảy", "Nguyễn Thị Bảy")
    assert Event.objects.get(verb="comment_signed").actor == cast.lc_clerk


def test_a_comment_no_longer_at_the_cell_cannot_be_entered_from_paper(client, cast):
    request = comment_at(cast, CommentStatus.SIGNED)
    login(client, cast.lc_clerk)
    response = client.get(reverse("residence:paper_comment", args=[request.pk]), follow=True)
    assert "không nhập phiếu giấy được nữa" in body(response)


# --------------------------------------------------------------------------- who may

VIEWS = ["certify", "return", "send_back", "paper_comment"]


def test_another_committees_comment_is_not_found(client, cast):
    signed = foreign(cast, CommentStatus.SIGNED)
    login(client, cast.lc_secretary)
    assert "Tô Văn Khác" not in body(client.get(comments_url()))
    assert "Tô Văn Khác" not in body(client.get(reverse("residence:waiting")))
    for name in VIEWS:
        assert client.post(reverse(f"residence:{name}", args=[signed.pk]), {"reason": "x"}).status_code == 404, name
    response = client.post(reverse("residence:comments_bulk"), {"chon": [signed.pk], "viec": "xac_nhan"})
    assert response.status_code == 404
    assert status_of(signed) == CommentStatus.SIGNED


@pytest.mark.parametrize(
    "who", ["finance_secretary", "finance_cell_secretary", "lc_cell_secretary", "board_officer", "member_user"]
)
def test_other_roles_may_not_certify_or_return(client, cast, who):
    request = comment_at(cast, CommentStatus.SIGNED)
    login(client, getattr(cast, who))
    assert client.get(comments_url()).status_code == 403
    assert client.get(reverse("residence:waiting")).status_code == 403
    for name in VIEWS:
        assert client.post(reverse(f"residence:{name}", args=[request.pk])).status_code == 403, name
    assert client.post(reverse("residence:comments_bulk"), {"chon": [request.pk], "viec": "gui"}).status_code == 403
    assert status_of(request) == CommentStatus.SIGNED


def test_anonymous_visitors_are_sent_to_log_in(client, cast):
    for target in (comments_url(), reverse("residence:waiting"), reverse("residence:certify", args=[1])):
        response = client.get(target)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_e2_members_are_never_listed(client, cast):
    bulk_members(cast, 1, comment_status=CommentStatus.SIGNED, exemption="E2", name="Hoàng Văn Mật")
    bulk_members(cast, 1, comment_status=CommentStatus.REQUESTED, exemption="E2", name="Hoàng Văn Kín")
    login(client, cast.lc_clerk)
    for target in (comments_url(), reverse("residence:waiting")):
        page = body(client.get(target))
        assert "Hoàng Văn Mật" not in page and "Hoàng Văn Kín" not in page


def _queries(client, target):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(target).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("status", [CommentStatus.SIGNED, CommentStatus.CERTIFIED, CommentStatus.REQUESTED])
def test_the_lists_run_the_same_number_of_queries_for_10_or_200_comments(client, cast, status):
    targets = [comments_url(), comments_url() + "?trang_thai=da_xac_nhan", reverse("residence:waiting")]
    login(client, cast.lc_clerk)
    bulk_members(cast, 10, comment_status=status)
    few = [_queries(client, t) for t in targets]
    members = bulk_members(cast, 190, comment_status=status, cell=cast.lc_cell_2)
    many = [_queries(client, t) for t in targets]
    assert few == many
    for target in targets:
        page = body(client.get(target))
        for secret in secrets_of(members[:20]):
            assert secret not in page


def test_the_lists_find_a_name_typed_without_diacritics(client, cast):
    comment_at(cast, CommentStatus.SIGNED)
    comment_at(cast, CommentStatus.SIGNED, cast.member_factory(full_name="Đỗ Thị Lan"))
    comment_at(cast, CommentStatus.REQUESTED, cast.member_factory(full_name="Lê Văn Bình"))
    comment_at(cast, CommentStatus.REQUESTED, cast.member_factory(full_name="Đặng Văn Bính"))
    login(client, cast.lc_clerk)
    found = body(client.get(comments_url(), {"q": "do thi lan"}))
    assert "Đỗ Thị Lan" in found and "Nguyễn Văn An" not in found
    found = [r.book.member.full_name for r in client.get(reverse("residence:waiting"), {"q": "le van"}).context["page"]]
    assert found == ["Lê Văn Bình"]


def test_a_comment_with_a_large_id_is_chosen_from_the_page_as_rendered(client, cast):
    """Ids are printed without the Vietnamese thousands dot (1.974 is not 1974)."""
    request = comment_at(cast, CommentStatus.SIGNED)
    CommentRequest.objects.filter(pk=request.pk).update(id=654321)
    login(client, cast.lc_clerk)
    assert 'name="chon" value="654321"' in body(client.get(comments_url()))
    client.post(reverse("residence:comments_bulk"), {"chon": ["654321"], "viec": "xac_nhan"})
    assert CommentRequest.objects.get(pk=654321).status == CommentStatus.CERTIFIED
