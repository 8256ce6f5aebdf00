"""The member import template: its sheets and columns, in one place for the template, the check and the docs."""

from __future__ import annotations

from dataclasses import dataclass

from openpyxl.utils import get_column_letter

from orgs.text import fold

DATA_SHEET = "Danh sách đảng viên"
GUIDE_SHEET = "Hướng dẫn"
LISTS_SHEET = "Danh mục"


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool
    width: int
    guide: str
    example: str = ""

    @property
    def folded(self) -> str:
        return fold(self.header)


COLUMNS: tuple[Column, ...] = (
    Column("stt", "STT", False, 6, "Số thứ tự (không bắt buộc, không dùng khi nhập).", "1"),
    Column("full_name", "Họ và tên", True, 28, "Họ và tên đầy đủ, có dấu.", "Nguyễn Văn An"),
    Column("sex", "Giới tính", True, 10, "Nam hoặc Nữ (chọn trong danh sách).", "Nam"),
    Column(
        "birth_date",
        "Ngày sinh",
        True,
        13,
        "Ô ngày của Excel, hoặc chữ dạng ngày/tháng/năm (dd/mm/yyyy), ví dụ 12/04/1985.",
        "12/04/1985",
    ),
    Column(
        "national_id",
        "Số CCCD",
        True,
        16,
        "Số định danh cá nhân 12 chữ số (ô dạng chữ để không mất số 0 ở đầu). Ba số đầu là mã tỉnh nơi đăng ký "
        "khai sinh; số thứ tư theo giới tính và thế kỷ sinh; số thứ năm, sáu là hai số cuối năm sinh.",
        "086085000001",
    ),
    Column(
        "party_card_number",
        "Số thẻ đảng viên",
        True,
        16,
        "6 đến 12 chữ số; không trùng với đảng viên đã có trong hệ thống hay với dòng khác trong tệp.",
        "86000001",
    ),
    Column(
        "admitted_on", "Ngày vào Đảng", True, 14, "Ngày/tháng/năm; đảng viên vào Đảng khi đủ 18 tuổi.", "19/05/2010"
    ),
    Column("official_on", "Ngày chính thức", False, 14, "Ngày/tháng/năm, không trước ngày vào Đảng.", "19/05/2011"),
    Column(
        "cell",
        "Chi bộ",
        False,
        30,
        "Tên chi bộ nơi công tác trong đảng ủy (chọn trong danh sách; không cần dấu). Bỏ trống khi đảng ủy chỉ có "
        "một chi bộ, hoặc là chi bộ cơ sở.",
        "",
    ),
    Column("workplace_title", "Chức vụ, đơn vị công tác", False, 28, "Không bắt buộc.", "Chuyên viên"),
    Column(
        "commune",
        "Xã/phường/đặc khu nơi cư trú",
        True,
        28,
        "Mã đơn vị hành chính (ví dụ 29551) hoặc tên, có dấu hay không dấu đều được (ví dụ: long chau → Phường "
        "Long Châu). Có thể ghi thêm tỉnh sau dấu phẩy: “Long Châu, Vĩnh Long”. Tên hoặc mã xã/phường trước "
        "01/07/2025 được chuyển sang đơn vị kế thừa hiện nay (trang xem trước ghi rõ).",
        "Phường Long Châu",
    ),
    Column(
        "residence_line",
        "Số nhà, đường, thôn/ấp/khóm/tổ",
        True,
        34,
        "Địa chỉ chi tiết trong xã/phường.",
        "Số 12, đường Phạm Thái Bường, Khóm 1",
    ),
    Column(
        "residence_kind", "Loại cư trú", False, 12, "Thường trú hoặc Tạm trú; bỏ trống là Thường trú.", "Thường trú"
    ),
    Column("phone", "Điện thoại", False, 14, "Không bắt buộc; tối đa 20 ký tự.", ""),
    Column("email", "Thư điện tử", False, 26, "Không bắt buộc.", ""),
)

BY_KEY = {column.key: column for column in COLUMNS}
LETTER = {column.key: get_column_letter(index) for index, column in enumerate(COLUMNS, start=1)}
