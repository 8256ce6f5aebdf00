"""The default regulation profile "213/2020" as data.

The rules of the process (deadlines, criteria, summary values, exemption categories, reasons for
an on-demand comment, texts printed on the forms) live in `RegulationProfile.rules`, a JSON
document of this shape. A province edits its copy; a successor regulation is a new profile.
"""

from typing import Any

REGULATION_213_2020: dict[str, Any] = {
    "legal_basis": (
        "Quy định số 213-QĐ/TW ngày 02/01/2020 của Bộ Chính trị và Hướng dẫn số 33-HD/BTCTW "
        "ngày 30/10/2020 của Ban Tổ chức Trung ương"
    ),
    "deadlines": {
        # month-day, in the year of the campaign
        "letter_window_start": "01-01",
        "letter_window_end": "02-28",
        "comment_requests_from": "10-01",
        "comment_due": "10-31",
        "return_due": "11-15",
        "rating_start": "12-01",
        "rating_end": "12-31",
    },
    "meeting_interval_months": 6,
    "notice_answer_days": 30,
    "on_demand_comment_days": 15,
    "on_demand_return_days": 7,
    "term_years": 5,
    "criteria": [
        {
            "key": "guong_mau",
            "label": "Gương mẫu thực hiện và vận động gia đình, nhân dân nơi cư trú chấp hành "
            "chủ trương của Đảng, chính sách, pháp luật của Nhà nước, quy định của địa phương",
        },
        {
            "key": "nghia_vu_cong_dan",
            "label": "Thực hiện nghĩa vụ công dân nơi cư trú; vận động gia đình, hàng xóm "
            "thực hiện nếp sống văn minh, giữ gìn an ninh, trật tự",
        },
        {
            "key": "sinh_hoat",
            "label": "Tham gia sinh hoạt định kỳ với chi bộ nơi cư trú (6 tháng một lần)",
        },
        {
            "key": "lien_he",
            "label": "Tham dự các cuộc họp nhân dân; giữ mối liên hệ với chi ủy, trưởng thôn/tổ "
            "dân phố và ban công tác Mặt trận nơi cư trú",
        },
    ],
    "summary_levels": [
        {"key": "tot", "label": "Hoàn thành tốt trách nhiệm nơi cư trú"},
        {"key": "hoan_thanh", "label": "Hoàn thành trách nhiệm nơi cư trú"},
        {"key": "khong_hoan_thanh", "label": "Không hoàn thành trách nhiệm nơi cư trú"},
    ],
    "exemptions": {
        "E1a": {
            "introduced": True,
            "periodic_comment": False,
            "label": "Quân đội, công an ở doanh trại hoặc xa nơi cư trú",
        },
        "E1b": {
            "introduced": True,
            "periodic_comment": False,
            "label": "Công tác xa, lưu động; cán bộ luân chuyển ở nhà công vụ",
        },
        "E1c": {
            "introduced": True,
            "periodic_comment": False,
            "label": "Đi đào tạo tập trung từ 12 tháng; học tập xa nơi cư trú",
        },
        "E2": {
            "introduced": False,
            "periodic_comment": False,
            "label": "Nhiệm vụ cần giữ bí mật danh tính; đơn vị thường trực sẵn sàng chiến đấu",
        },
    },
    "on_demand_reasons": [
        {"key": "cadre", "label": "Công tác cán bộ"},
        {"key": "reward", "label": "Khen thưởng"},
        {"key": "discipline", "label": "Kỷ luật"},
    ],
    "forms": {
        "letter_code": "GGT",
        "letter_title": "GIẤY GIỚI THIỆU",
        "letter_request": (
            "Đề nghị {addressee} tiếp nhận, giới thiệu đồng chí về sinh hoạt, liên hệ với chi bộ "
            "nơi cư trú và tạo điều kiện để đồng chí thực hiện nhiệm vụ đảng viên đang công tác "
            "thường xuyên giữ mối liên hệ với tổ chức đảng và nhân dân nơi cư trú theo Quy định "
            "số 213-QĐ/TW ngày 02/01/2020 của Bộ Chính trị."
        ),
        "comment_title": "PHIẾU XIN Ý KIẾN NHẬN XÉT CỦA CHI ỦY NƠI CƯ TRÚ",
        "comment_request": (
            "Thực hiện Quy định số 213-QĐ/TW ngày 02/01/2020 của Bộ Chính trị, {requester} đề "
            "nghị {addressee} chỉ đạo chi ủy (chi bộ) nơi đồng chí cư trú nhận xét đảng viên "
            "về thực hiện trách nhiệm nơi cư trú năm {year}."
        ),
    },
}


def ensure_default_profile_and_term(profile_model: Any, term_model: Any) -> None:
    """Create the "213/2020" profile and the 2025–2030 term when missing (migration and tests)."""
    import datetime

    profile_model.objects.get_or_create(
        code="213/2020",
        defaults={
            "name": "Quy định 213-QĐ/TW (2020) và Hướng dẫn 33-HD/BTCTW",
            "effective_from": datetime.date(2020, 1, 2),
            "rules": REGULATION_213_2020,
        },
    )
    if not term_model.objects.exists():
        term_model.objects.create(start_year=2025, end_year=2030, status="open")
