"""Workplace committee: the forms of a member's life events, each calling its action."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from books import actions
from books.models import (
    BookStatus,
    CommentKind,
    CommentRequest,
    Event,
    IntroductionLetter,
    LetterStatus,
    ResidenceRegisterEntry,
)
from members.models import EmploymentStatus, Member
from tests.cast import PASSWORD, PHU_KHUONG, introduce

FORMS = ["member_edit", "member_residence", "member_workplace", "member_exemption", "member_end", "member_on_demand"]


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def url(name, obj):
    return reverse(f"workplace:{name}", args=[obj.pk])


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


@pytest.fixture
def introduced(cast):
    """cast.member, introduced to Long Châu (Khóm 1) on 10/01/2026."""
    with time_machine.travel(datetime.date(2026, 1, 10)):
        return introduce(cast, cast.member)


# --------------------------------------------------------------------------- who gets in


@pytest.mark.parametrize("name", FORMS)
def test_each_form_renders_for_the_committee(client, cast, introduced, name):
    login(client, cast.finance_clerk)
    response = client.get(url(name, cast.member))
    assert response.status_code == 200
    assert "<form" in response.content.decode()


@pytest.mark.parametrize("name", FORMS)
@pytest.mark.parametrize("who", ["finance_cell_secretary", "lc_secretary", "board_officer", "member_user", "outsider"])
def test_the_forms_are_for_the_workplace_committee_only(client, cast, name, who):
    login(client, getattr(cast, who))
    assert client.get(url(name, cast.member)).status_code == 403
    assert client.post(url(name, cast.member), {}).status_code == 403


@pytest.mark.parametrize("name", FORMS)
def test_another_committees_member_is_not_found(client, cast, name):
    login(client, cast.health_secretary)
    assert client.get(url(name, cast.member)).status_code == 404
    assert client.post(url(name, cast.member), {"reason": "x"}).status_code == 404


def test_the_forms_of_a_closed_book_send_back_to_the_members_page(client, cast):
    actions.end_employment(cast.member, reason="retired", by=cast.finance_clerk)
    login(client, cast.finance_clerk)
    response = client.get(url("member_residence", cast.member), follow=True)
    assert response.redirect_chain[-1][0] == url("member", cast.member)
    assert "đã đóng: không còn thao tác được" in response.content.decode()


# --------------------------------------------------------------------------- edit particulars


def particulars(member, **changes):
    data = {
        "full_name": member.full_name,
        "sex": member.sex,
        "birth_date": member.birth_date.isoformat(),
        "admitted_on": member.admitted_on.isoformat(),
        "official_on": member.official_on.isoformat() if member.official_on else "",
        "party_card_number": member.party_card_number,
        "national_id": member.national_id,
        "phone": member.phone,
        "email": member.email,
        "workplace_title": member.workplace_title,
    }
    data.update(changes)
    return data


def test_editing_particulars_calls_update_member(client, cast):
    login(client, cast.finance_clerk)
    response = client.post(
        url("member_edit", cast.member), particulars(cast.member, phone="0912345678", workplace_title="Trưởng phòng")
    )
    assert response.status_code == 302
    member = fresh(cast.member)
    assert (member.phone, member.workplace_title) == ("0912345678", "Trưởng phòng")
    event = Event.objects.get(verb="member_updated")
    assert event.data["changes"] == {"phone": ["", "0912345678"], "workplace_title": ["", "Trưởng phòng"]}
    assert "Đã lưu thông tin của đảng viên Nguyễn Văn An." in client.get(response.url).content.decode()


def test_a_refused_edit_says_why_and_keeps_what_was_typed(client, cast):
    other = cast.member_factory(full_name="Trần Thị Khác")
    login(client, cast.finance_clerk)
    response = client.post(
        url("member_edit", cast.member),
        particulars(cast.member, national_id=other.national_id, phone="0912345678"),
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Số định danh cá nhân này đã có trong hệ thống." in body
    assert 'value="0912345678"' in body
    assert f'value="{other.national_id}"' in body
    assert fresh(cast.member).national_id == cast.member.national_id
    assert not Event.objects.filter(verb="member_updated").exists()


def test_an_edit_that_changes_nothing_writes_nothing(client, cast):
    login(client, cast.finance_clerk)
    response = client.post(url("member_edit", cast.member), particulars(cast.member), follow=True)
    assert "Không có thông tin nào thay đổi." in response.content.decode()
    assert not Event.objects.filter(verb="member_updated").exists()


# --------------------------------------------------------------------------- change residence


def test_the_residence_form_says_the_old_letter_will_be_superseded(client, cast, introduced):
    login(client, cast.finance_clerk)
    body = client.get(url("member_residence", cast.member)).content.decode()
    assert "Giấy giới thiệu số <strong>1-GGT/ĐU</strong> gửi Đảng ủy phường Long Châu" in body
    assert "được thay bằng giấy mới" in body
    assert "gửi ngay một giấy giới thiệu mới" in body


def test_changing_residence_supersedes_the_letter_and_sends_a_new_one(client, cast, introduced):
    login(client, cast.finance_clerk)
    response = client.post(
        url("member_residence", cast.member),
        {"commune": str(PHU_KHUONG), "line": "Số 9, đường Nguyễn Huệ", "kind": "temporary"},
    )
    assert response.status_code == 302
    old = fresh(introduced)
    new = IntroductionLetter.objects.get(status=LetterStatus.ISSUED)
    assert (old.status, old.superseded_by) == (LetterStatus.SUPERSEDED, new)
    assert new.addressee == cast.phu_khuong
    member = fresh(cast.member)
    assert (member.residence_commune.code, member.residence_line) == (PHU_KHUONG, "Số 9, đường Nguyễn Huệ")
    assert not ResidenceRegisterEntry.objects.filter(member=member, left_on__isnull=True).exists()
    page = client.get(response.url).content.decode()
    assert "gửi giấy giới thiệu số 2-GGT/ĐU tới Đảng ủy phường Phú Khương" in page


def test_a_refused_move_says_why_and_keeps_what_was_typed(client, cast, introduced):
    login(client, cast.finance_clerk)
    response = client.post(
        url("member_residence", cast.member),
        {"commune": "29551", "line": cast.member.residence_line, "kind": "permanent"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Địa chỉ mới trùng địa chỉ hiện tại." in body
    assert f'value="{cast.member.residence_line}"' in body
    assert '<option value="29551" selected>Phường Long Châu' in body
    assert fresh(introduced).status == LetterStatus.RECEIVED


def test_a_move_without_a_letter_only_records_the_address(client, cast):
    login(client, cast.finance_clerk)
    response = client.post(
        url("member_residence", cast.member), {"commune": str(PHU_KHUONG), "line": "Số 1", "kind": "permanent"}
    )
    assert response.status_code == 302
    assert not IntroductionLetter.objects.exists()
    assert "Đã ghi nơi cư trú mới của Nguyễn Văn An." in client.get(response.url).content.decode()


# --------------------------------------------------------------------------- change workplace


def test_the_workplace_form_offers_cells_of_every_committee_of_the_province(client, cast):
    login(client, cast.finance_clerk)
    form = client.get(url("member_workplace", cast.member)).context["form"]
    labels = [label for _value, label in form.fields["cell"].choices]
    assert "Chi bộ Phòng Nghiệp vụ Y, Đảng ủy Sở Y tế" in labels
    assert "Chi bộ Phòng Ngân sách, Đảng ủy Sở Tài chính" not in labels  # the member's own cell
    assert all("Khóm" not in label for label in labels)


def test_changing_workplace_passes_the_book_to_the_new_committee(client, cast, introduced):
    login(client, cast.finance_clerk)
    response = client.post(url("member_workplace", cast.member), {"cell": cast.health_cell.pk})
    assert response.status_code == 302
    assert response.url == reverse("workplace:members")  # the member has left our list
    assert fresh(cast.member).workplace_cell == cast.health_cell
    assert cast.book(cast.member).holder == cast.health
    assert "sổ liên hệ do Đảng ủy Sở Y tế giữ" in client.get(response.url).content.decode()
    assert client.get(url("member", cast.member)).status_code == 404


def test_a_cell_that_is_not_offered_is_refused_on_the_field(client, cast):
    login(client, cast.finance_clerk)
    response = client.post(url("member_workplace", cast.member), {"cell": cast.lc_cell_1.pk})
    assert response.status_code == 200
    assert "Hãy chọn một lựa chọn hợp lệ" in response.context["form"].errors["cell"][0]
    assert fresh(cast.member).workplace_cell == cast.finance_cell


# --------------------------------------------------------------------------- exemption


def test_the_exemption_form_warns_that_e2_withdraws_the_member_at_once(client, cast, introduced):
    login(client, cast.finance_clerk)
    body = client.get(url("member_exemption", cast.member)).content.decode()
    assert "Diện E2 — rút khỏi nơi cư trú ngay" in body
    assert "giấy giới thiệu đang có hiệu lực bị thu hồi" in body


def test_e2_needs_the_warning_ticked_and_nothing_changes_until_then(client, cast, introduced):
    login(client, cast.finance_clerk)
    response = client.post(
        url("member_exemption", cast.member), {"exemption": "E2", "reason": "Nhiệm vụ cần giữ bí mật danh tính"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["confirm_e2"] == [
        "Diện E2 rút đảng viên khỏi nơi cư trú ngay: hãy đánh dấu xác nhận."
    ]
    assert 'value="Nhiệm vụ cần giữ bí mật danh tính"' in response.content.decode()
    assert fresh(cast.member).exemption == ""
    assert fresh(introduced).status == LetterStatus.RECEIVED


def test_e2_withdraws_the_member_from_the_residence_side(client, cast, introduced):
    login(client, cast.finance_clerk)
    response = client.post(
        url("member_exemption", cast.member),
        {"exemption": "E2", "reason": "Nhiệm vụ cần giữ bí mật danh tính", "confirm_e2": "on"},
    )
    assert response.status_code == 302
    assert fresh(cast.member).exemption == "E2"
    assert fresh(introduced).status == LetterStatus.WITHDRAWN
    assert not ResidenceRegisterEntry.objects.filter(member=cast.member, left_on__isnull=True).exists()
    assert "Đảng viên đã được rút khỏi nơi cư trú." in client.get(response.url).content.decode()


def test_e1_and_clearing_it(client, cast, introduced):
    login(client, cast.finance_clerk)
    client.post(url("member_exemption", cast.member), {"exemption": "E1c", "reason": "Học tập trung 2 năm"})
    member = fresh(cast.member)
    assert (member.exemption, member.exemption_reason) == ("E1c", "Học tập trung 2 năm")
    assert fresh(introduced).status == LetterStatus.RECEIVED  # E1 stays introduced
    response = client.post(url("member_exemption", cast.member), {"exemption": "", "reason": ""}, follow=True)
    assert fresh(cast.member).exemption == ""
    assert "Đã bỏ diện miễn của Nguyễn Văn An." in response.content.decode()


def test_a_refused_exemption_says_why_and_keeps_what_was_typed(client, cast):
    login(client, cast.finance_clerk)
    response = client.post(
        url("member_exemption", cast.member),
        {"exemption": "E1a", "reason": "", "since": "2026-11-01", "until": "2026-10-01"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Hãy ghi lý do miễn sinh hoạt nơi cư trú." in body
    assert 'value="2026-10-01"' in body
    assert fresh(cast.member).exemption == ""


# --------------------------------------------------------------------------- end of employment


def test_retirement_closes_the_book(client, cast, introduced):
    login(client, cast.finance_clerk)
    response = client.post(url("member_end", cast.member), {"reason": "retired", "on": "2026-11-20"})
    assert response.status_code == 302
    member = fresh(cast.member)
    assert member.employment == EmploymentStatus.RETIRED
    book = member.books.get()
    assert (book.status, book.closed_on) == (BookStatus.CLOSED, datetime.date(2026, 11, 20))
    assert fresh(introduced).status == LetterStatus.WITHDRAWN
    page = client.get(response.url).content.decode()
    assert "Đã ghi Nguyễn Văn An đã nghỉ hưu từ ngày 20/11/2026; sổ liên hệ đã đóng." in page
    assert reverse("workplace:member_edit", args=[member.pk]) not in page  # no more buttons


def test_a_missing_reason_is_told_and_the_date_kept(client, cast):
    login(client, cast.finance_clerk)
    response = client.post(url("member_end", cast.member), {"on": "2026-11-20"})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"] == ["Trường này là bắt buộc."]
    assert 'value="2026-11-20"' in response.content.decode()
    assert Member.objects.get(pk=cast.member.pk).employment == EmploymentStatus.EMPLOYED


# --------------------------------------------------------------------------- withdraw a letter


def test_withdrawing_a_letter(client, cast, introduced):
    login(client, cast.finance_clerk)
    page = client.get(url("letter_withdraw", introduced))
    assert page.status_code == 200
    assert "Thu hồi giấy giới thiệu số 1-GGT/ĐU" in page.content.decode()
    response = client.post(url("letter_withdraw", introduced), {"reason": "Gửi nhầm địa chỉ"})
    assert response.status_code == 302
    letter = fresh(introduced)
    assert (letter.status, letter.end_reason) == (LetterStatus.WITHDRAWN, "Gửi nhầm địa chỉ")
    assert "Đã thu hồi giấy giới thiệu số 1-GGT/ĐU" in client.get(response.url).content.decode()


def test_a_refused_withdrawal_says_why_and_keeps_the_reason(client, cast, introduced):
    actions.withdraw_letter(introduced, reason="Lần đầu", by=cast.finance_clerk)
    login(client, cast.finance_clerk)
    response = client.post(url("letter_withdraw", introduced), {"reason": "Lần hai"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Giấy giới thiệu này đã hết hiệu lực." in body
    assert "Lần hai</textarea>" in body
    assert fresh(introduced).end_reason == "Lần đầu"


def test_another_committees_letter_is_not_found(client, cast, introduced):
    login(client, cast.health_secretary)
    assert client.get(url("letter_withdraw", introduced)).status_code == 404
    assert client.post(url("letter_withdraw", introduced), {"reason": "x"}).status_code == 404
    login(client, cast.lc_secretary)
    assert client.post(url("letter_withdraw", introduced), {"reason": "x"}).status_code == 403
    assert fresh(introduced).status == LetterStatus.RECEIVED


# --------------------------------------------------------------------------- on-demand comment


def test_an_on_demand_request_for_an_e1_member(client, cast, introduced):
    actions.set_exemption(cast.member, exemption="E1b", reason="Công tác lưu động", by=cast.finance_clerk)
    login(client, cast.finance_clerk)
    form = client.get(url("member_on_demand", cast.member)).context["form"]
    assert [label for _key, label in form.fields["reason"].choices] == ["Công tác cán bộ", "Khen thưởng", "Kỷ luật"]
    response = client.post(url("member_on_demand", cast.member), {"reason": "cadre", "note": "Quy hoạch 2026"})
    assert response.status_code == 302
    request = CommentRequest.objects.get(kind=CommentKind.ON_DEMAND)
    assert (request.reason, request.reason_note, request.residence_committee) == (
        "cadre",
        "Quy hoạch 2026",
        cast.long_chau,
    )
    assert "(công tác cán bộ) về Đảng ủy phường Long Châu" in client.get(response.url).content.decode()


def test_an_on_demand_request_for_a_member_who_is_not_e1_is_refused(client, cast, introduced):
    login(client, cast.finance_clerk)
    assert "không thuộc diện E1" in client.get(url("member_on_demand", cast.member)).content.decode()
    response = client.post(url("member_on_demand", cast.member), {"reason": "reward", "note": "Bằng khen"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Nguyễn Văn An không thuộc diện E1; nhận xét hằng năm theo đợt tháng 10." in body
    assert 'value="Bằng khen"' in body
    assert not CommentRequest.objects.exists()
