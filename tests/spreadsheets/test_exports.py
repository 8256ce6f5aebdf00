"""Exports to .xlsx read back with openpyxl: the same data as the screens, real date cells shown
dd/mm/yyyy, Vietnamese headers, widths, a frozen header and an autofilter; access like the screens."""

import datetime
import io

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from books import actions
from members.models import Exemption
from tests.cast import comment_at, introduce


def sheet_of(response):
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].startswith('attachment; filename="')
    workbook = load_workbook(io.BytesIO(response.content))
    return workbook.worksheets[0]


def rows_of(ws):
    return [list(row) for row in ws.iter_rows(values_only=True)]


def check_layout(ws):
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:{ws.cell(row=1, column=ws.max_column).column_letter}{ws.max_row}"
    assert all(ws.column_dimensions[c.column_letter].width > 5 for c in ws[1])
    assert all(cell.font.bold for cell in ws[1])


def test_the_members_list_exports_what_the_screen_shows(cast, login):
    other = cast.member_factory(full_name="Lê Thị Bình", birth_date=datetime.date(1979, 12, 31))
    cast.member_factory(full_name="Y Tá Khác", cell=cast.health_cell)  # another committee's member
    ws = sheet_of(login(cast.finance_clerk).get(reverse("spreadsheets:members")))
    check_layout(ws)
    header, *data = rows_of(ws)
    assert header[:8] == [
        "STT",
        "Họ và tên",
        "Giới tính",
        "Ngày sinh",
        "Số CCCD",
        "Số thẻ đảng viên",
        "Ngày vào Đảng",
        "Ngày chính thức",
    ]
    assert [row[1] for row in data] == ["Nguyễn Văn An", "Lê Thị Bình"]  # Vietnamese order, by given name
    by_name = {row[1]: dict(zip(header, row, strict=True)) for row in data}
    row = by_name["Lê Thị Bình"]
    assert row["Ngày sinh"] == datetime.datetime(1979, 12, 31)
    assert row["Số CCCD"] == other.national_id and row["Số thẻ đảng viên"] == other.party_card_number
    assert row["Xã/phường/đặc khu nơi cư trú"] == "Phường Long Châu, Tỉnh Vĩnh Long"
    assert row["Chi bộ"] == "Chi bộ Phòng Ngân sách" and row["Tình trạng sổ"]
    date_cell = ws.cell(row=3, column=header.index("Ngày sinh") + 1)
    assert date_cell.is_date and date_cell.number_format == "dd/mm/yyyy"
    assert ws.cell(row=3, column=header.index("Số CCCD") + 1).data_type == "s"


def test_the_members_export_takes_the_screen_filters(cast, login):
    cast.member_factory(full_name="Lê Thị Bình")
    ws = sheet_of(login(cast.finance_clerk).get(reverse("spreadsheets:members"), {"q": "binh"}))
    assert [row[1] for row in rows_of(ws)[1:]] == ["Lê Thị Bình"]


@pytest.fixture
def register_with_e2(cast):
    e1 = cast.member_factory(full_name="Phạm Văn Xa")
    secret = cast.member_factory(full_name="Trần Văn Mật")
    with time_machine.travel(datetime.date(2026, 1, 10)):
        for member in (cast.member, e1, secret):
            introduce(cast, member)
    actions.set_exemption(e1, exemption=Exemption.E1B, reason="Công tác lưu động", by=cast.finance_clerk)
    actions.set_exemption(secret, exemption=Exemption.E2, reason="Nhiệm vụ đặc biệt", by=cast.finance_clerk)
    return e1, secret


def test_the_residence_register_never_has_card_id_rating_or_an_e2_member(cast, login, register_with_e2):
    e1, secret = register_with_e2
    ws = sheet_of(login(cast.lc_clerk).get(reverse("spreadsheets:register")))
    check_layout(ws)
    header, *data = rows_of(ws)
    for word in ("thẻ", "CCCD", "định danh", "xếp loại", "Xếp loại"):
        assert not any(word in h for h in header), word
    assert "Nhận xét năm 2026" in header and "Năm sinh" in header
    names = [row[1] for row in data]
    assert "Trần Văn Mật" not in names
    assert sorted(names) == sorted(["Nguyễn Văn An", "Phạm Văn Xa"])
    every_value = {str(v) for row in data for v in row if v is not None}
    for member in (cast.member, e1, secret):
        assert member.party_card_number not in every_value and member.national_id not in every_value
    row = dict(zip(header, data[names.index("Nguyễn Văn An")], strict=True))
    assert row["Ngày tiếp nhận"] == datetime.datetime(2026, 1, 10)
    assert row["Năm sinh"] == 1985 and row["Chi bộ nơi cư trú"] == "Chi bộ Khóm 1"
    assert row["Số giấy giới thiệu"] == cast.member.books.get().letters.get().display_number


def test_the_campaign_status_lists_each_request_and_where_it_is(cast, login):
    request = comment_at(cast, "returned")
    ws = sheet_of(login(cast.finance_clerk).get(reverse("spreadsheets:campaign"), {"nam": "2026"}))
    check_layout(ws)
    header, *data = rows_of(ws)
    (row,) = [dict(zip(header, line, strict=True)) for line in data]
    assert row["Họ và tên"] == "Nguyễn Văn An"
    assert row["Ngày đề nghị"] == datetime.datetime(2026, 10, 2)
    assert row["Ngày gửi lại"] == datetime.datetime(2026, 11, 1)
    assert row["Tình trạng"] == request.get_status_display()
    assert row["Kết quả"] == request.summary_label
    assert row["Đảng ủy nơi cư trú"] == "Đảng ủy phường Long Châu"


@pytest.mark.parametrize("side", ["noi-cong-tac", "xa-phuong"])
def test_the_board_exports_its_completion_table_with_the_total(cast, login, side):
    comment_at(cast, "returned")
    ws = sheet_of(login(cast.board_officer).get(reverse("spreadsheets:board", args=[side])))
    check_layout(ws)
    header, *data = rows_of(ws)
    assert data[-1][1] == "Tổng cộng"
    total = dict(zip(header, data[-1], strict=True))
    assert total["Phiếu xin ý kiến đã gửi"] == 1 and total["Đã gửi lại nơi công tác"] == 1
    assert total["Tỷ lệ đã gửi lại (%)"] == 100


@pytest.mark.parametrize(
    ("url", "who"),
    [
        (reverse("spreadsheets:members"), "lc_clerk"),
        (reverse("spreadsheets:members"), "board_officer"),
        (reverse("spreadsheets:members"), "member_user"),
        (reverse("spreadsheets:register"), "finance_clerk"),
        (reverse("spreadsheets:register"), "lc_cell_secretary"),
        (reverse("spreadsheets:campaign"), "finance_cell_secretary"),
        (reverse("spreadsheets:campaign"), "lc_clerk"),
        (reverse("spreadsheets:board", args=["xa-phuong"]), "finance_clerk"),
        (reverse("spreadsheets:board", args=["xa-phuong"]), "outsider"),
    ],
)
def test_a_wrong_role_is_refused_like_on_the_screen(cast, login, url, who):
    assert login(getattr(cast, who)).get(url).status_code == 403


def test_another_committee_exports_none_of_our_members_or_requests(cast, login):
    comment_at(cast, "returned")
    client = login(cast.health_secretary)
    assert rows_of(sheet_of(client.get(reverse("spreadsheets:members"))))[1:] == []
    assert rows_of(sheet_of(client.get(reverse("spreadsheets:campaign"), {"nam": "2026"})))[1:] == []
    other = login(cast.pk_secretary)
    assert rows_of(sheet_of(other.get(reverse("spreadsheets:register"))))[1:] == []
