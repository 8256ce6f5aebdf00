"""Residence cell secretary: "Cần nhận xét", then write a member's comment (3-213), save a draft,
sign it; a signed comment is read only."""

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


def page_of(request):
    return reverse("cell:comment", args=[request.pk])


def stored(request):
    return CommentRequest.objects.get(pk=request.pk)


def typed(**changes):
    """The form as a secretary fills it in completely."""
    content = full_comment()
    data = {f"criteria_{key}": text for key, text in content["criteria"].items()}
    data.update(
        shortcomings="Đôi khi chưa dự họp tổ dân phố.",
        people_opinion="Bà con quý mến.",
        summary=content["summary"],
        front_participant=content["front_participant"],
    )
    data.update(changes)
    return data


def test_the_list_shows_what_to_write_with_due_dates_and_overdue_flagged(client, cast):
    comment_at(cast, CommentStatus.REQUESTED)
    comment_at(cast, CommentStatus.SIGNED, cast.member_factory(full_name="Lê Văn Bình"))
    login(client, cast.lc_cell_secretary)
    response = client.get(reverse("cell:comments"))
    assert response.status_code == 200
    todo = list(response.context["page"])
    assert [r.book.member.full_name for r in todo] == ["Nguyễn Văn An"]
    page = body(response)
    assert "hạn 31/10/2026" in page and "Quá hạn" in page
    assert "Chi bộ đã ký (1)" in page and "Lê Văn Bình" in page


def test_the_form_has_the_profiles_criteria_summary_levels_and_the_front_participant(client, cast):
    request = comment_at(cast, CommentStatus.REQUESTED)
    login(client, cast.lc_cell_secretary)
    response = client.get(page_of(request))
    assert response.status_code == 200
    page = body(response)
    profile = actions.default_profile()
    for criterion in profile.criteria:
        assert f'<label for="id_criteria_{criterion["key"]}">{criterion["label"]}</label>' in page
    for level in profile.summary_levels:
        assert level["label"] in page
    for text in ("Đại diện ban công tác Mặt trận", "Lưu nháp", "Ký nhận xét", "Nguyễn Văn An", "sinh năm 1985"):
        assert text in page
    assert cast.member.party_card_number not in page and cast.member.national_id not in page


def test_a_draft_is_saved_and_comes_back_when_the_page_is_reloaded(client, cast):
    request = comment_at(cast, CommentStatus.REQUESTED)
    login(client, cast.lc_cell_secretary)
    half = typed(summary="", front_participant="")
    with mock.patch.object(actions, "write_comment", wraps=actions.write_comment) as spy:
        response = client.post(page_of(request), {**half, "viec": "nhap"})
    assert response.status_code == 302 and response.url == page_of(request)
    assert spy.call_count == 1
    assert stored(request).status == CommentStatus.DRAFTED
    again = client.get(page_of(request))
    form = again.context["form"]
    for name, value in half.items():
        assert (form[name].value() or "") == value, name
    assert "Đã lưu nháp nhận xét của đồng chí Nguyễn Văn An" in body(again)


def test_signing_an_incomplete_comment_says_what_is_missing_and_keeps_everything_typed(client, cast):
    request = comment_at(cast, CommentStatus.REQUESTED)
    login(client, cast.lc_cell_secretary)
    data = typed(front_participant="")
    response = client.post(page_of(request), {**data, "viec": "ky"})
    assert response.status_code == 200
    page = body(response)
    assert "Chưa ký được" in page
    assert response.context["form"].errors["front_participant"]
    for name, value in data.items():
        assert (response.context["form"][name].value() or "") == value, name
    assert "Đôi khi chưa dự họp tổ dân phố.</textarea>" in page
    assert stored(request).status == CommentStatus.REQUESTED
    assert not Event.objects.filter(verb__in=["comment_drafted", "comment_signed"]).exists()


def test_each_criterion_left_empty_is_marked_when_signing(client, cast):
    request = comment_at(cast, CommentStatus.REQUESTED)
    first, *rest = actions.default_profile().criteria
    login(client, cast.lc_cell_secretary)
    response = client.post(page_of(request), {**typed(**{f"criteria_{first['key']}": ""}), "viec": "ky"})
    form = response.context["form"]
    assert form.errors[f"criteria_{first['key']}"] == ["Chưa nhận xét mục này."]
    assert all(f"criteria_{c['key']}" not in form.errors for c in rest)
    assert f"Chưa nhận xét: {first['label']}." in body(response)


def test_signing_records_the_comment_and_then_it_is_read_only(client, cast):
    request = comment_at(cast, CommentStatus.DRAFTED)
    login(client, cast.lc_cell_secretary)
    with mock.patch.object(actions, "sign_comment", wraps=actions.sign_comment) as spy:
        response = client.post(page_of(request), {**typed(), "viec": "ky"})
    assert response.status_code == 302 and spy.call_count == 1
    signed = stored(request)
    assert signed.status == CommentStatus.SIGNED
    assert signed.front_participant == FRONT_PARTICIPANT
    assert signed.shortcomings == "Đôi khi chưa dự họp tổ dân phố."
    assert (signed.signer_name, signed.signer_title) == ("Nguyễn Thị Bảy", "T/M CHI ỦY, BÍ THƯ")
    after = client.get(page_of(request))
    page = body(after)
    assert "Đã ký nhận xét của đồng chí Nguyễn Văn An" in page
    assert "<textarea" not in page and "Ký nhận xét</button>" not in page
    assert "Đôi khi chưa dự họp tổ dân phố." in page and "T/M CHI ỦY, BÍ THƯ Nguyễn Thị Bảy" in page


def test_a_signed_comment_cannot_be_changed_by_posting_again(client, cast):
    request = comment_at(cast, CommentStatus.SIGNED)
    login(client, cast.lc_cell_secretary)
    response = client.post(page_of(request), {**typed(shortcomings="Sửa lén."), "viec": "nhap"}, follow=True)
    assert "Chi bộ đã ký nhận xét, không sửa được nữa" in body(response)
    assert stored(request).shortcomings == ""
    assert stored(request).status == CommentStatus.SIGNED


def test_a_comment_sent_back_by_the_committee_can_be_written_again(client, cast):
    request = comment_at(cast, CommentStatus.SIGNED)
    actions.send_back_comment(request, reason="Ghi rõ ý kiến nhân dân.", by=cast.lc_secretary)
    login(client, cast.lc_cell_secretary)
    response = client.get(page_of(request))
    assert "<textarea" in body(response)
    assert response.context["form"]["front_participant"].value() == FRONT_PARTICIPANT


def test_another_cells_or_committees_request_is_not_found(client, cast):
    k2 = comment_at(cast, CommentStatus.REQUESTED, cast.member_factory(full_name="Lê Văn Bình"), cell=cast.lc_cell_2)
    far = comment_at(
        cast,
        CommentStatus.REQUESTED,
        cast.member_factory(full_name="Tô Văn Khác", commune_code=PHU_KHUONG),
        cell=cast.pk_cell,
    )
    login(client, cast.lc_cell_secretary)
    listing = body(client.get(reverse("cell:comments")))
    assert "Lê Văn Bình" not in listing and "Tô Văn Khác" not in listing
    for request in (k2, far):
        assert client.get(page_of(request)).status_code == 404
        assert client.post(page_of(request), {**typed(), "viec": "ky"}).status_code == 404
        assert stored(request).status == CommentStatus.REQUESTED


@pytest.mark.parametrize("who", ["lc_secretary", "lc_clerk", "finance_secretary", "board_officer", "member_user"])
def test_other_roles_may_not_write_on_the_cells_page(client, cast, who):
    request = comment_at(cast, CommentStatus.REQUESTED)
    login(client, getattr(cast, who))
    assert client.get(page_of(request)).status_code == 403
    assert client.post(page_of(request), {**typed(), "viec": "ky"}).status_code == 403
    assert stored(request).status == CommentStatus.REQUESTED


def test_anonymous_visitors_are_sent_to_log_in(client, cast):
    response = client.get(reverse("cell:comment", args=[1]))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_e2_members_are_never_listed(client, cast):
    bulk_members(cast, 1, comment_status=CommentStatus.REQUESTED, exemption="E2", name="Hoàng Văn Mật")
    login(client, cast.lc_cell_secretary)
    assert "Hoàng Văn Mật" not in body(client.get(reverse("cell:comments")))
    secret = CommentRequest.objects.get(book__member__full_name__startswith="Hoàng Văn Mật")
    assert client.get(page_of(secret)).status_code == 404


def _queries(client):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("cell:comments")).status_code == 200
    return len(ctx.captured_queries)


def test_the_list_runs_the_same_number_of_queries_for_10_or_200_requests(client, cast):
    login(client, cast.lc_cell_secretary)
    bulk_members(cast, 10, comment_status=CommentStatus.REQUESTED)
    bulk_members(cast, 5, comment_status=CommentStatus.SIGNED)
    few = _queries(client)
    members = bulk_members(cast, 190, comment_status=CommentStatus.DRAFTED)
    bulk_members(cast, 40, comment_status=CommentStatus.SIGNED)
    many = _queries(client)
    assert few == many
    page = body(client.get(reverse("cell:comments")))
    for secret in secrets_of(members[:50]):
        assert secret not in page
