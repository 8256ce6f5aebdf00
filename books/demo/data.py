"""The fixed part of the demo province: organisations, their cells, and the word lists the
people and the comments are drawn from. Names are realistic for merged Vĩnh Long (Vĩnh Long,
Bến Tre and Trà Vinh since 01/07/2025) but the people are invented.
"""

from __future__ import annotations

from dataclasses import dataclass

PROVINCE_CODE = 86
LONG_CHAU = 29551  # Phường Long Châu: the demo residence committee
PHU_KHUONG = 28756  # Phường Phú Khương: successor of the old Phường 8 (Bến Tre)
OLD_WARD_8 = 28759  # Phường 8, Thành phố Bến Tre (pre-2025 unit)
NINH_KIEU = 31135  # Phường Ninh Kiều, Cần Thơ: a few members live across the river
NINH_KIEU_PROVINCE = 92

TINH_UY = "Tỉnh ủy Vĩnh Long"
BOARD = "Ban Tổ chức Tỉnh ủy Vĩnh Long"
OLD_CITY_COMMITTEE = "Thành ủy Bến Tre"
OLD_WARD_COMMITTEE = "Đảng ủy Phường 8"

UPPER_COMMITTEES = {
    "party": "Đảng ủy các cơ quan Đảng tỉnh",
    "gov": "Đảng ủy Ủy ban nhân dân tỉnh",
    "police": "Đảng ủy Công an tỉnh",
    "army": "Đảng ủy Quân sự tỉnh",
}


@dataclass(frozen=True)
class Workplace:
    """A workplace committee (or a chi bộ cơ sở when `cells` is empty)."""

    key: str
    name: str
    upper: str  # key of UPPER_COMMITTEES
    weight: float  # share of the demo members working there
    titles: str  # key of TITLES
    cells: tuple[str, ...] = ()

    @property
    def is_grassroots_cell(self) -> bool:
        return not self.cells

    @property
    def armed(self) -> bool:
        return self.upper in ("police", "army")


FINANCE = "so_tai_chinh"

WORKPLACES: tuple[Workplace, ...] = (
    # --- party agencies
    Workplace("vp_tinh_uy", "Chi bộ Văn phòng Tỉnh ủy", "party", 1.2, "office"),
    Workplace(
        "bao_ptth",
        "Đảng ủy Báo và Phát thanh, Truyền hình Vĩnh Long",
        "party",
        2.5,
        "press",
        ("Chi bộ Ban Thời sự", "Chi bộ Ban Biên tập Báo in", "Chi bộ Phòng Kỹ thuật – Công nghệ", "Chi bộ Văn phòng"),
    ),
    Workplace(
        "truong_chinh_tri",
        "Đảng ủy Trường Chính trị Phạm Hùng",
        "party",
        1.5,
        "school",
        ("Chi bộ Khoa Xây dựng Đảng", "Chi bộ Khoa Lý luận cơ sở", "Chi bộ Phòng Tổ chức – Hành chính"),
    ),
    Workplace(
        "mttq",
        "Đảng ủy Cơ quan Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh",
        "party",
        2.0,
        "office",
        ("Chi bộ Ban Phong trào", "Chi bộ Hội Liên hiệp Phụ nữ tỉnh", "Chi bộ Tỉnh đoàn", "Chi bộ Hội Nông dân tỉnh"),
    ),
    # --- provincial government
    Workplace(
        FINANCE,
        "Đảng ủy Sở Tài chính",
        "gov",
        5.0,
        "office",
        (
            "Chi bộ Văn phòng Sở",
            "Chi bộ Phòng Ngân sách",
            "Chi bộ Phòng Tài chính doanh nghiệp",
            "Chi bộ Phòng Quản lý giá và Công sản",
            "Chi bộ Phòng Đầu tư",
        ),
    ),
    Workplace(
        "so_y_te",
        "Đảng ủy Sở Y tế",
        "gov",
        3.0,
        "office",
        (
            "Chi bộ Văn phòng Sở",
            "Chi bộ Phòng Nghiệp vụ Y",
            "Chi bộ Phòng Nghiệp vụ Dược",
            "Chi bộ Trung tâm Kiểm soát bệnh tật",
        ),
    ),
    Workplace(
        "so_gd",
        "Đảng ủy Sở Giáo dục và Đào tạo",
        "gov",
        5.5,
        "teacher",
        (
            "Chi bộ Văn phòng Sở",
            "Chi bộ Phòng Giáo dục phổ thông",
            "Chi bộ Phòng Tổ chức cán bộ",
            "Chi bộ Trường THPT Lưu Văn Liệt",
            "Chi bộ Trường THPT chuyên Nguyễn Bỉnh Khiêm",
            "Chi bộ Trường THPT Phan Văn Trị",
        ),
    ),
    Workplace(
        "so_noi_vu",
        "Đảng ủy Sở Nội vụ",
        "gov",
        2.5,
        "office",
        ("Chi bộ Văn phòng Sở", "Chi bộ Phòng Tổ chức biên chế", "Chi bộ Phòng Lao động – Việc làm"),
    ),
    Workplace(
        "so_xay_dung",
        "Đảng ủy Sở Xây dựng",
        "gov",
        2.5,
        "engineer",
        ("Chi bộ Văn phòng Sở", "Chi bộ Phòng Quản lý xây dựng", "Chi bộ Phòng Quản lý giao thông"),
    ),
    Workplace(
        "so_nn",
        "Đảng ủy Sở Nông nghiệp và Môi trường",
        "gov",
        4.0,
        "engineer",
        (
            "Chi bộ Văn phòng Sở",
            "Chi bộ Chi cục Thủy lợi",
            "Chi bộ Chi cục Trồng trọt và Bảo vệ thực vật",
            "Chi bộ Phòng Quản lý đất đai",
            "Chi bộ Chi cục Thủy sản",
        ),
    ),
    Workplace(
        "so_cong_thuong",
        "Đảng ủy Sở Công Thương",
        "gov",
        1.8,
        "office",
        ("Chi bộ Văn phòng Sở", "Chi bộ Phòng Quản lý công nghiệp", "Chi bộ Phòng Quản lý thương mại"),
    ),
    Workplace("so_khcn", "Chi bộ Sở Khoa học và Công nghệ", "gov", 1.0, "office"),
    Workplace(
        "so_vhttdl",
        "Đảng ủy Sở Văn hóa, Thể thao và Du lịch",
        "gov",
        2.0,
        "office",
        (
            "Chi bộ Văn phòng Sở",
            "Chi bộ Phòng Quản lý văn hóa",
            "Chi bộ Trung tâm Huấn luyện và Thi đấu thể thao",
        ),
    ),
    Workplace("so_tu_phap", "Chi bộ Sở Tư pháp", "gov", 0.9, "office"),
    Workplace("thanh_tra", "Chi bộ Thanh tra tỉnh", "gov", 0.9, "office"),
    Workplace(
        "vp_ubnd",
        "Đảng ủy Văn phòng Ủy ban nhân dân tỉnh",
        "gov",
        1.8,
        "office",
        ("Chi bộ Phòng Tổng hợp", "Chi bộ Phòng Kinh tế", "Chi bộ Phòng Hành chính – Tổ chức"),
    ),
    Workplace(
        "bv_da_khoa",
        "Đảng ủy Bệnh viện Đa khoa tỉnh Vĩnh Long",
        "gov",
        7.0,
        "hospital",
        (
            "Chi bộ Khoa Nội",
            "Chi bộ Khoa Ngoại",
            "Chi bộ Khoa Sản",
            "Chi bộ Khoa Hồi sức tích cực – Chống độc",
            "Chi bộ Khối Cận lâm sàng",
            "Chi bộ Phòng Kế hoạch tổng hợp",
        ),
    ),
    Workplace(
        "bv_ndc",
        "Đảng ủy Bệnh viện Nguyễn Đình Chiểu",
        "gov",
        4.0,
        "hospital",
        ("Chi bộ Khoa Nội tổng hợp", "Chi bộ Khoa Ngoại tổng hợp", "Chi bộ Khoa Nhi", "Chi bộ Khối Hành chính"),
    ),
    Workplace(
        "dh_spkt",
        "Đảng ủy Trường Đại học Sư phạm Kỹ thuật Vĩnh Long",
        "gov",
        3.5,
        "school",
        (
            "Chi bộ Khoa Cơ khí Động lực",
            "Chi bộ Khoa Điện – Điện tử",
            "Chi bộ Khoa Công nghệ thông tin",
            "Chi bộ Phòng Đào tạo",
            "Chi bộ Khối Hành chính",
        ),
    ),
    Workplace(
        "dh_tra_vinh",
        "Đảng ủy Trường Đại học Trà Vinh",
        "gov",
        4.0,
        "school",
        (
            "Chi bộ Trường Kinh tế, Luật",
            "Chi bộ Trường Y – Dược",
            "Chi bộ Khoa Kỹ thuật và Công nghệ",
            "Chi bộ Phòng Đào tạo",
        ),
    ),
    Workplace(
        "cd_vinh_long",
        "Đảng ủy Trường Cao đẳng Vĩnh Long",
        "gov",
        1.8,
        "school",
        ("Chi bộ Khoa Kinh tế", "Chi bộ Khoa Kỹ thuật", "Chi bộ Phòng Đào tạo"),
    ),
    Workplace(
        "thue",
        "Đảng ủy Thuế tỉnh Vĩnh Long",
        "gov",
        2.5,
        "office",
        ("Chi bộ Văn phòng", "Chi bộ Phòng Kiểm tra", "Chi bộ Phòng Quản lý hộ kinh doanh"),
    ),
    Workplace(
        "bhxh",
        "Đảng ủy Bảo hiểm xã hội tỉnh Vĩnh Long",
        "gov",
        1.8,
        "office",
        ("Chi bộ Văn phòng", "Chi bộ Phòng Thu", "Chi bộ Phòng Chế độ bảo hiểm xã hội"),
    ),
    Workplace(
        "agribank",
        "Đảng ủy Agribank Chi nhánh tỉnh Vĩnh Long",
        "gov",
        2.0,
        "bank",
        ("Chi bộ Phòng Kế hoạch – Kinh doanh", "Chi bộ Phòng Kế toán – Ngân quỹ", "Chi bộ Phòng Giao dịch Long Hồ"),
    ),
    Workplace("vietcombank", "Chi bộ Vietcombank Chi nhánh Vĩnh Long", "gov", 0.9, "bank"),
    Workplace(
        "bidv",
        "Đảng ủy BIDV Chi nhánh Vĩnh Long",
        "gov",
        1.2,
        "bank",
        ("Chi bộ Phòng Khách hàng", "Chi bộ Phòng Quản trị tín dụng"),
    ),
    Workplace("nhcsxh", "Chi bộ Ngân hàng Chính sách xã hội Chi nhánh tỉnh Vĩnh Long", "gov", 0.9, "bank"),
    Workplace(
        "dien_luc",
        "Đảng ủy Công ty Điện lực Vĩnh Long",
        "gov",
        2.5,
        "company",
        (
            "Chi bộ Phòng Kỹ thuật",
            "Chi bộ Điện lực Long Hồ",
            "Chi bộ Điện lực Trà Ôn",
            "Chi bộ Đội Quản lý vận hành lưới điện cao thế",
        ),
    ),
    Workplace(
        "cap_nuoc",
        "Đảng ủy Công ty Cổ phần Cấp thoát nước Vĩnh Long",
        "gov",
        1.5,
        "company",
        ("Chi bộ Xí nghiệp Cấp nước", "Chi bộ Phòng Kỹ thuật", "Chi bộ Văn phòng"),
    ),
    Workplace("xo_so", "Chi bộ Công ty TNHH MTV Xổ số kiến thiết Vĩnh Long", "gov", 0.8, "company"),
    Workplace(
        "buu_dien",
        "Đảng ủy Bưu điện tỉnh Vĩnh Long",
        "gov",
        1.2,
        "company",
        ("Chi bộ Bưu điện Trung tâm", "Chi bộ Phòng Kế hoạch – Kinh doanh"),
    ),
    # --- police
    Workplace(
        "ca_hinh_su",
        "Đảng ủy Phòng Cảnh sát hình sự",
        "police",
        2.5,
        "police",
        ("Chi bộ Đội Trọng án", "Chi bộ Đội Kỹ thuật hình sự", "Chi bộ Đội Tổng hợp"),
    ),
    Workplace(
        "ca_giao_thong",
        "Đảng ủy Phòng Cảnh sát giao thông",
        "police",
        2.5,
        "police",
        ("Chi bộ Đội Tuần tra, kiểm soát", "Chi bộ Đội Đăng ký xe", "Chi bộ Trạm Cảnh sát giao thông đường thủy"),
    ),
    Workplace(
        "ca_an_ninh",
        "Đảng ủy Phòng An ninh chính trị nội bộ",
        "police",
        1.5,
        "police",
        ("Chi bộ Đội 1", "Chi bộ Đội 2"),
    ),
    Workplace("ca_trai_giam", "Chi bộ Trại tạm giam Công an tỉnh", "police", 0.9, "police"),
    # --- army
    Workplace(
        "bchqs",
        "Đảng ủy Cơ quan Bộ Chỉ huy Quân sự tỉnh",
        "army",
        2.5,
        "army",
        ("Chi bộ Phòng Tham mưu", "Chi bộ Phòng Chính trị", "Chi bộ Phòng Hậu cần – Kỹ thuật"),
    ),
    Workplace(
        "phong_thu_kv1",
        "Đảng ủy Ban Chỉ huy Phòng thủ khu vực 1",
        "army",
        1.8,
        "army",
        ("Chi bộ Cơ quan", "Chi bộ Đại đội Bộ binh"),
    ),
)

TITLES: dict[str, tuple[str, ...]] = {
    "office": (
        "Chuyên viên",
        "Chuyên viên",
        "Chuyên viên",
        "Chuyên viên chính",
        "Phó Trưởng phòng",
        "Trưởng phòng",
        "Kế toán viên",
        "Văn thư",
    ),
    "press": ("Phóng viên", "Phóng viên", "Biên tập viên", "Kỹ thuật viên", "Phó Trưởng ban"),
    "teacher": ("Giáo viên", "Giáo viên", "Giáo viên", "Tổ trưởng chuyên môn", "Chuyên viên", "Phó Hiệu trưởng"),
    "school": ("Giảng viên", "Giảng viên", "Giảng viên chính", "Chuyên viên", "Phó Trưởng khoa", "Trưởng khoa"),
    "engineer": ("Chuyên viên", "Chuyên viên chính", "Kỹ sư", "Kỹ sư", "Phó Trưởng phòng", "Trưởng phòng"),
    "hospital": ("Bác sĩ", "Bác sĩ", "Điều dưỡng", "Điều dưỡng", "Dược sĩ", "Kỹ thuật viên", "Trưởng khoa"),
    "bank": ("Cán bộ tín dụng", "Giao dịch viên", "Kế toán viên", "Phó Trưởng phòng", "Trưởng phòng giao dịch"),
    "company": ("Kỹ sư", "Công nhân kỹ thuật", "Nhân viên kinh doanh", "Kế toán viên", "Trưởng phòng"),
    "police": ("Cán bộ", "Điều tra viên", "Trinh sát viên", "Phó Đội trưởng", "Đội trưởng"),
    "army": ("Trợ lý", "Trợ lý", "Nhân viên", "Trung đội trưởng", "Chính trị viên"),
}


def titles_for(workplace: Workplace, cell_name: str) -> str:
    """The key of TITLES for a member: the offices of schools, hospitals and newsrooms have clerks."""
    office = any(word in cell_name for word in ("Phòng", "Văn phòng", "Khối Hành chính", "Chi cục"))
    if workplace.titles in ("teacher", "school", "hospital", "press") and office:
        return "office"
    return workplace.titles


# The three cities the merged province is made of, by commune code range (2025 edition).
BEN_TRE_CODES = range(28700, 29240)
TRA_VINH_CODES = range(29240, 29550)
# Vĩnh Long proper is the rest (29551 …).

STREETS = {
    "vinh_long": (
        "Phạm Thái Bường",
        "Trưng Nữ Vương",
        "Lê Thái Tổ",
        "Phó Cơ Điều",
        "Nguyễn Huệ",
        "2 Tháng 9",
        "Đinh Tiên Hoàng",
        "Hoàng Thái Hiếu",
        "Nguyễn Văn Thiệt",
        "Mậu Thân",
        "Phan Văn Đáng",
        "Trần Phú",
        "Lê Lợi",
        "Võ Văn Kiệt",
    ),
    "ben_tre": (
        "Đồng Khởi",
        "Nguyễn Đình Chiểu",
        "Hùng Vương",
        "Đoàn Hoàng Minh",
        "Nguyễn Thị Định",
        "Trương Định",
        "Lê Quý Đôn",
        "Nguyễn Văn Tư",
    ),
    "tra_vinh": (
        "Điện Biên Phủ",
        "Phạm Ngũ Lão",
        "Nguyễn Đáng",
        "Bạch Đằng",
        "Lê Lợi",
        "Nguyễn Thị Minh Khai",
        "Sơn Thông",
        "Võ Nguyên Giáp",
    ),
}

HAMLETS = (
    "Phú Hòa",
    "An Thạnh",
    "Tân Quới",
    "Long Hòa",
    "Mỹ An",
    "Bình Thuận",
    "Hòa Lợi",
    "Thạnh Mỹ",
    "Phước Thới",
    "Tân Thuận",
    "An Phú",
    "Phú Lợi",
    "Tân Hiệp",
    "Hiếu Hòa",
    "Mỹ Phú",
    "Long Thạnh",
    "Thới Hòa",
    "Bình Hòa",
    "Phú Thạnh",
    "An Hòa",
    "Tân Lập",
    "Vĩnh Hòa",
    "Hòa Thuận",
    "Long Phú",
    "Mỹ Hưng",
    "Thuận Tiến",
    "Đông Hậu",
    "Tây Hòa",
    "Cây Da",
    "Rạch Sâu",
    "Phú Long",
    "Thạnh Hưng",
    "Sóc Tro",
    "Ô Chích",
    "Trà Sất",
    "Sa Rum",
    "Bà Nhì",
    "Kinh Xáng",
)

FAMILY_NAMES = (
    ("Nguyễn", 30),
    ("Trần", 11),
    ("Lê", 10),
    ("Phạm", 6),
    ("Huỳnh", 6),
    ("Võ", 6),
    ("Phan", 4),
    ("Trương", 2),
    ("Bùi", 2),
    ("Đặng", 2),
    ("Đỗ", 1.5),
    ("Ngô", 1.5),
    ("Hồ", 1.5),
    ("Dương", 1.5),
    ("Đoàn", 1),
    ("Lý", 1),
    ("Lâm", 1),
    ("Châu", 1),
    ("Thạch", 0.8),
    ("Sơn", 0.6),
    ("Kim", 0.5),
    ("Tô", 0.5),
    ("Mai", 0.5),
    ("Cao", 0.5),
    ("Hà", 0.5),
    ("Vương", 0.3),
)
MIDDLE_MALE = (("Văn", 40), ("Minh", 8), ("Thanh", 8), ("Quốc", 7), ("Hoàng", 5), ("Hữu", 6), ("Công", 4),
               ("Đức", 4), ("Tấn", 5), ("Thành", 4), ("Ngọc", 3), ("Trung", 3), ("Phước", 3))  # fmt: skip
MIDDLE_FEMALE = (("Thị", 45), ("Ngọc", 9), ("Thanh", 7), ("Thu", 6), ("Kim", 6), ("Mỹ", 5), ("Bích", 4),
                 ("Hồng", 4), ("Phương", 3), ("Thùy", 4), ("Thị Thu", 3), ("Thị Ngọc", 3), ("Thị Mỹ", 2))  # fmt: skip
# Given names added to Faker's vi_VN pools, which are too small for two thousand people.
GIVEN_MALE = ("Tâm", "Phong", "Hiếu", "Lộc", "Tài", "Thắng", "Sơn", "Hải", "Long", "Tuấn", "Khánh", "Nhân",
              "Nghĩa", "Lợi", "Hậu", "Tín", "Trí", "Vinh", "Cường", "Bình", "Toàn", "Đạt", "Hùng", "Phát",
              "Tân", "Khang", "Thiện", "Định", "Hòa", "Lực", "Sang", "Thông", "Kiệt", "Duy", "Tuấn Anh")  # fmt: skip
GIVEN_FEMALE = ("Trang", "Nhung", "Thủy", "Hằng", "Hạnh", "Thúy", "Diễm", "Loan", "Phượng", "Trinh", "Ngân",
                "Tuyết", "Nga", "Oanh", "Nhi", "Châu", "Quyên", "Thư", "Hiền", "Huyền", "Liên", "Dung",
                "Tiên", "My", "Trâm", "Thơ", "Cúc", "Đào", "Xuân Mai", "Kiều")  # fmt: skip

# Where members were born (first three digits of the CCCD), weighted.
BIRTH_PROVINCES = ((86, 40), (83, 22), (84, 18), (92, 5), (87, 3), (82, 3), (89, 2), (94, 3), (79, 2), (93, 2))

PHONE_PREFIXES = ("090", "091", "093", "094", "096", "097", "098", "070", "076", "077", "079", "081", "083",
                  "084", "085", "032", "033", "034", "035", "036", "037", "038", "039", "088", "089")  # fmt: skip

ABSENCE_REASONS = (
    "Đi công tác",
    "Trực cơ quan",
    "Bận việc gia đình",
    "Ốm, có báo cáo chi bộ",
    "Đi học bồi dưỡng ngắn hạn",
)

CRITERIA_TEXTS = {
    "guong_mau": (
        "Gương mẫu chấp hành chủ trương của Đảng, chính sách, pháp luật của Nhà nước và quy định của địa phương.",
        "Chấp hành tốt chủ trương, chính sách; vận động gia đình thực hiện nghiêm quy định nơi cư trú.",
        "Luôn gương mẫu, có lối sống giản dị, quan hệ tốt với bà con khu dân cư.",
    ),
    "nghia_vu_cong_dan": (
        "Thực hiện đầy đủ nghĩa vụ công dân; tích cực tham gia giữ gìn an ninh trật tự, vệ sinh môi trường.",
        "Gia đình đạt danh hiệu Gia đình văn hóa; đóng góp đầy đủ các loại quỹ vận động tại địa phương.",
        "Vận động gia đình, hàng xóm thực hiện nếp sống văn minh, phân loại rác tại nguồn.",
    ),
    "sinh_hoat": (
        "Tham gia đầy đủ các buổi sinh hoạt định kỳ với chi bộ nơi cư trú.",
        "Tham gia sinh hoạt định kỳ với chi bộ nơi cư trú, có ý kiến đóng góp xây dựng.",
    ),
    "lien_he": (
        "Giữ mối liên hệ thường xuyên với chi ủy, trưởng khu dân cư và ban công tác Mặt trận.",
        "Tham dự các cuộc họp dân; liên hệ tốt với chi ủy và ban công tác Mặt trận nơi cư trú.",
    ),
}
SINH_HOAT_PARTIAL = "Có buổi chưa tham gia sinh hoạt với chi bộ nơi cư trú; đã báo cáo lý do."
SHORTCOMINGS = (
    "Không có.",
    "Không có.",
    "Không có.",
    "Do đặc thù công tác, thời gian tham gia hoạt động ở khu dân cư còn ít.",
    "Chưa tham gia đầy đủ các cuộc họp tổ dân cư.",
)
SHORTCOMING_WEAK = "Chưa tham gia sinh hoạt với chi bộ nơi cư trú; ít liên hệ với chi ủy và ban công tác Mặt trận."
PEOPLE_OPINIONS = (
    "Nhân dân và ban công tác Mặt trận đồng tình, tín nhiệm.",
    "Bà con khu dân cư đánh giá tốt; ban công tác Mặt trận thống nhất.",
    "Không có ý kiến phản ánh.",
)

NOTICES = (
    (
        "Gia đình đồng chí xây dựng mái che lấn chiếm vỉa hè, chưa chấp hành thông báo của "
        "Ủy ban nhân dân phường về việc tháo dỡ."
    ),
    ("Đồng chí có lời lẽ thiếu chuẩn mực, gây mất trật tự tại buổi họp khu dân cư; ban công tác Mặt trận đã nhắc nhở."),
)
NOTICE_ANSWER = (
    "Chi bộ đã họp kiểm điểm; đồng chí nhận khuyết điểm, cam kết khắc phục. Cấp ủy nhắc nhở "
    "và giao chi bộ theo dõi việc sửa chữa."
)

EXEMPTION_REASONS = {
    "E1a": "Công tác tại đơn vị, ăn ở tập trung trong doanh trại",
    "E1b": "Công tác lưu động, thường xuyên xa nơi cư trú",
    "E1c": "Được cử đi học cao cấp lý luận chính trị tập trung tại Học viện Chính trị khu vực IV",
    "E2": "Được phân công nhiệm vụ cần giữ bí mật danh tính",
}
ON_DEMAND_NOTES = {
    "cadre": "Xem xét quy hoạch, bổ nhiệm chức vụ lãnh đạo.",
    "reward": "Xét khen thưởng cuối năm.",
    "discipline": "Xem xét trách nhiệm theo phản ánh của nhân dân.",
}
