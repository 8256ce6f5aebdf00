"""What each printed document says (pdftotext), how it is set (pdffonts, pdfinfo). The PDFs are
rendered once for the module (conftest.printed)."""

import re

import pytest

pytestmark = pytest.mark.django_db  # the module fixture renders inside one rolled-back transaction

KINDS = [
    "letter",
    "batch",
    "comment",
    "comment_not_back",
    "comment_residence",
    "blank_letter",
    "blank_comment",
    "register",
    "book",
    "report",
    "export",
]
A4_PORTRAIT = "595.276 x 841.89 pts (A4)"
A4_LANDSCAPE = "841.89 x 595.276 pts (A4)"


@pytest.mark.parametrize("kind", KINDS)
def test_every_document_uses_only_liberation_fonts_all_embedded(printed, kind):
    doc = printed[kind]
    assert doc.fonts, f"{kind}: no fonts listed"
    assert all(re.fullmatch(r"[A-Z]{6}\+Liberation-Serif(-Bold|-Italic|-BoldItalic)?", f) for f in doc.fonts), doc.fonts
    assert all(doc.embedded), f"{kind}: a font is not embedded"


@pytest.mark.parametrize("kind", [k for k in KINDS if k != "register"])
def test_every_document_but_the_register_is_a4_portrait(printed, kind):
    assert printed[kind].size == A4_PORTRAIT


def test_the_letter_reads_like_form_1_213(printed):
    text = printed["letter"].text
    assert printed["letter"].pages == 1
    assert f"Số {printed['facts']['letter_number']}" == "Số 12-GGT/ĐU"
    for words in (
        "ĐẢNG ỦY CÁC CƠ QUAN ĐẢNG TỈNH",
        "ĐẢNG ỦY SỞ TÀI CHÍNH",
        "Số 12-GGT/ĐU",
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "Vĩnh Long, ngày 05 tháng 01 năm 2026",
        "GIẤY GIỚI THIỆU",
        "Kính gửi: Đảng ủy phường Long Châu",
        "Họ và tên: Nguyễn Văn An",
        "Ngày sinh: 12/04/1985",
        "Ngày vào Đảng: 19/05/2010",
        "Chi bộ Phòng Ngân sách",
        "Phường Long Châu",
        "T/M ĐẢNG ỦY",
        "Trần Quốc Hùng",
        "Mã xác minh:",
    ):
        assert words in text, words


def test_the_received_letter_carries_the_residence_committees_receipt(printed):
    text = printed["letter"].text
    assert "ĐẢNG ỦY PHƯỜNG LONG CHÂU" in text
    assert "Tiếp nhận ngày 10 tháng 01 năm 2026" in text
    assert "Đã giới thiệu về sinh hoạt tại chi bộ: Chi bộ Khóm 1" in text


def test_the_start_of_year_batch_is_one_pdf_with_every_letter_in_number_order(printed):
    batch = printed["batch"]
    assert batch.pages == 12
    numbers = [int(n) for n in re.findall(r"Số (\d+)-GGT/ĐU", batch.text)]
    assert numbers == list(range(1, 13))
    for name in printed["facts"]["others"]:
        assert f"Họ và tên: {name}" in batch.text
    assert "Tiếp nhận ngày ….. tháng ….. năm" in batch.text  # letters not yet received: the block to fill


def test_the_comment_form_back_at_the_workplace_shows_request_and_comment(printed):
    text = printed["comment"].text
    for words in (
        "PHIẾU XIN Ý KIẾN NHẬN XÉT CỦA CHI ỦY NƠI CƯ TRÚ",
        "Năm 2026",
        "Kính gửi: Đảng ủy phường Long Châu",
        "Họ và tên: Nguyễn Văn An",
        "Giấy giới thiệu: Số 12-GGT/ĐU",
        "NHẬN XÉT CỦA CHI ỦY (CHI BỘ) NƠI CƯ TRÚ",
        "Chi bộ Khóm 1",
        printed["facts"]["signed_text"],
        "X Hoàn thành tốt trách nhiệm nơi cư trú",
        "ĐẠI DIỆN BAN CÔNG TÁC MẶT TRẬN",
        "XÁC NHẬN CỦA ĐẢNG ỦY PHƯỜNG LONG CHÂU",
        "Huỳnh Văn Sáu",
        "Mã xác minh:",
    ):
        assert words in text, words
    for label in printed["facts"]["criteria"]:
        assert " ".join(label.split()) in text, label


def test_a_comment_not_yet_sent_back_prints_for_the_workplace_without_its_content(printed):
    text = printed["comment_not_back"].text
    assert "Nhận xét đang ở đảng ủy nơi cư trú, chưa gửi về nơi công tác." in text
    assert printed["facts"]["signed_text"] not in text
    assert printed["facts"]["signed_text"] in printed["comment_residence"].text


def test_blank_forms_have_the_committees_header_and_lines_to_fill(printed):
    letter = printed["blank_letter"].text
    assert "ĐẢNG ỦY SỞ TÀI CHÍNH" in letter and "GIẤY GIỚI THIỆU" in letter
    assert "Số …………-GGT/ĐU" in letter and "Họ và tên:" in letter
    assert "Mã xác minh" not in letter
    form = printed["blank_comment"].text
    assert "PHIẾU XIN Ý KIẾN NHẬN XÉT" in form and "Kính gửi: Đảng ủy phường Long Châu" in form
    assert "XÁC NHẬN CỦA ĐẢNG ỦY PHƯỜNG LONG CHÂU" in form
    assert "ngày ….. tháng ….. năm" in form


def test_the_register_is_landscape_with_the_terms_years_and_page_numbers(printed):
    register = printed["register"]
    assert register.size == A4_LANDSCAPE
    text = register.text
    assert "SỔ THEO DÕI ĐẢNG VIÊN ĐANG CÔNG TÁC" in text and "Nhiệm kỳ 2025–2030" in text
    assert all(str(year) in text for year in range(2025, 2031))
    assert "Nguyễn Văn An" in text and "Số 12-GGT/ĐU" in text and "Chi bộ Khóm 1" in text
    assert f"Trang 1/{register.pages}" in text
    assert printed["facts"]["card"] not in text  # the residence side never sees the party card


def test_the_members_own_book_has_cover_letters_comments_and_history(printed):
    text = printed["book"].text
    for words in (
        "SỔ LIÊN HỆ",
        "Nhiệm kỳ 2025 – 2030",
        "Nguyễn Văn An",
        printed["facts"]["card"],
        "TỔNG HỢP NHẬN XÉT CỦA NƠI CƯ TRÚ QUA CÁC NĂM",
        "Chưa xin ý kiến nhận xét",
        "GIẤY GIỚI THIỆU",
        "Số 12-GGT/ĐU",
        "PHIẾU XIN Ý KIẾN NHẬN XÉT",
        printed["facts"]["signed_text"],
        "NHẬT KÝ SỔ LIÊN HỆ",
        "Tiếp nhận giấy giới thiệu",
    ):
        assert words in text, words


def test_export_book_writes_the_same_book(printed):
    assert printed["export"].pages == printed["book"].pages
    assert "NHẬT KÝ SỔ LIÊN HỆ" in printed["export"].text and "Nguyễn Văn An" in printed["export"].text


def test_the_boards_report_has_totals_tables_and_charts(printed):
    text = printed["report"].text
    for words in (
        "BAN TỔ CHỨC TỈNH ỦY VĨNH LONG",
        "BÁO CÁO TÌNH HÌNH THỰC HIỆN QUY ĐỊNH 213-QĐ/TW NĂM 2026",
        "Vĩnh Long, ngày 27 tháng 11 năm 2026",
        "Biểu đồ 1",
        "Đảng ủy phường Long Châu",
        "Đảng ủy Sở Tài chính",
        "Tổng cộng",
        "NGƯỜI LẬP BÁO CÁO",
        "Dương Thanh Bình",
    ):
        assert words in text, words
