"""Vietnamese words for the benchmark data set: people's names, places, agencies and their departments,
issuing organs and the phrases of a trích yếu. Realistic patterns, not real documents."""

from __future__ import annotations

SURNAMES = (
    "Nguyễn", "Nguyễn", "Nguyễn", "Trần", "Trần", "Lê", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ",
    "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Trịnh", "Lương", "Mai", "Cao", "Tạ", "Hà",
)
MIDDLE_MALE = ("Văn", "Văn", "Hữu", "Đức", "Minh", "Quang", "Thanh", "Công", "Xuân", "Ngọc", "Đình", "Bá", "Trọng")
MIDDLE_FEMALE = ("Thị", "Thị", "Thị", "Thu", "Thanh", "Ngọc", "Kim", "Hồng", "Thúy", "Phương", "Minh", "Bích")
GIVEN_MALE = (
    "Hùng", "Nam", "Huy", "Toàn", "Dũng", "Tuấn", "Sơn", "Hải", "Long", "Bình", "Cường", "Đạt", "Hiếu", "Khánh",
    "Phúc", "Quân", "Thắng", "Trung", "Việt", "Vinh", "Thành", "Tùng", "Lâm", "Hòa", "Đông", "Kiên", "Lộc",
)
GIVEN_FEMALE = (
    "Mai", "Hà", "Hương", "Trang", "Lan", "Loan", "Hoa", "Linh", "Phương", "Thảo", "Yến", "Giang", "Ly", "Nga",
    "Oanh", "Tâm", "Vân", "Vy", "Nhung", "Hạnh", "Huyền", "Thủy", "Dung", "Ngân", "Anh", "Duyên", "Hằng",
)

# Province and its code letter pair used in the organ code (QĐ 20/2020 style: 000.00.31.H42).
PROVINCES = (
    ("Nghệ An", "H40"), ("Thanh Hóa", "H38"), ("Hà Tĩnh", "H42"), ("Quảng Bình", "H44"), ("Quảng Trị", "H45"),
    ("Bắc Ninh", "H27"), ("Thái Bình", "H34"), ("Nam Định", "H36"), ("Ninh Bình", "H37"), ("Hưng Yên", "H33"),
    ("Lào Cai", "H10"), ("Yên Bái", "H15"), ("Sơn La", "H14"), ("Phú Thọ", "H25"), ("Tuyên Quang", "H08"),
    ("Quảng Nam", "H49"), ("Quảng Ngãi", "H51"), ("Bình Định", "H52"), ("Đắk Lắk", "H66"), ("Lâm Đồng", "H68"),
    ("Đồng Nai", "H75"), ("Long An", "H80"), ("Tiền Giang", "H82"), ("Cần Thơ", "H92"), ("An Giang", "H89"),
)
COMMUNES = (
    "Liên Minh", "Hưng Đạo", "Quang Trung", "Tân Phú", "Thanh Xuân", "Hòa Bình", "Đông Sơn", "Nghĩa Đàn",
    "Cẩm Xuyên", "Kỳ Anh", "Diễn Châu", "Yên Thành", "Quỳnh Lưu", "Đô Lương", "Thạch Hà", "Hương Sơn",
    "Vĩnh Lộc", "Hậu Lộc", "Nga Sơn", "Tĩnh Gia", "Quảng Xương", "Nông Cống", "Triệu Sơn", "Thọ Xuân",
    "Tiên Du", "Từ Sơn", "Quế Võ", "Gia Bình", "Lương Tài", "Kiến Xương", "Tiền Hải", "Vũ Thư", "Hải Hậu",
    "Giao Thủy", "Xuân Trường", "Kim Sơn", "Yên Mô", "Gia Viễn", "Văn Lâm", "Mỹ Hào", "Bắc Hà", "Sa Pa",
    "Mường Khương", "Mộc Châu", "Thuận Châu", "Thanh Sơn", "Lâm Thao", "Sơn Dương", "Hàm Yên", "Điện Bàn",
    "Duy Xuyên", "Thăng Bình", "Núi Thành", "Bình Sơn", "Tư Nghĩa", "Hoài Nhơn", "Phù Cát", "Krông Pắc",
    "Ea Kar", "Bảo Lộc", "Đức Trọng", "Long Thành", "Nhơn Trạch", "Cần Giuộc", "Bến Lức", "Cái Bè",
    "Châu Thành", "Phong Điền", "Ô Môn", "Tân Châu", "Tri Tôn", "Đức Hòa", "Phước Long", "Tam Kỳ", "An Nhơn",
    "Tân Lập", "Đồng Tâm", "Hợp Thành", "Minh Khai", "Trung Hòa", "Phú Lộc", "An Bình", "Tân Thành",
)
SECTORS = (
    ("Sở Tài chính", "STC"), ("Sở Nội vụ", "SNV"), ("Sở Tư pháp", "STP"), ("Sở Y tế", "SYT"),
    ("Sở Giáo dục và Đào tạo", "SGDĐT"), ("Sở Xây dựng", "SXD"), ("Sở Nông nghiệp và Môi trường", "SNNMT"),
    ("Sở Khoa học và Công nghệ", "SKHCN"), ("Sở Văn hóa, Thể thao và Du lịch", "SVHTTDL"),
    ("Sở Công Thương", "SCT"),
)

# (full name, short name) of departments, per kind of agency.
COMMUNE_DEPARTMENTS = (
    ("Văn phòng HĐND và UBND", "VP"), ("Phòng Kinh tế", "KT"), ("Phòng Văn hóa - Xã hội", "VHXH"),
    ("Trung tâm Phục vụ hành chính công", "TTHCC"), ("Phòng Kinh tế, Hạ tầng và Đô thị", "KTHTĐT"),
    ("Ban Chỉ huy Quân sự", "BCHQS"),
)
SECTOR_DEPARTMENTS = (
    ("Văn phòng Sở", "VP"), ("Phòng Kế hoạch - Tài chính", "KHTC"), ("Thanh tra Sở", "TTr"),
    ("Phòng Tổ chức cán bộ", "TCCB"), ("Phòng Quản lý chuyên ngành", "QLCN"), ("Phòng Pháp chế", "PC"),
)

# Issuing organs outside the generated agencies: (name pattern, short name for the notation).
OUTSIDE_ORGANS = (
    ("UBND tỉnh {p}", "UBND"), ("Văn phòng UBND tỉnh {p}", "VPUBND"), ("HĐND tỉnh {p}", "HĐND"),
    ("Tỉnh ủy {p}", "TU"), ("Công an tỉnh {p}", "CAT"), ("Bộ Chỉ huy Quân sự tỉnh {p}", "BCH"),
    ("Sở Tài chính tỉnh {p}", "STC"), ("Sở Nội vụ tỉnh {p}", "SNV"), ("Sở Y tế tỉnh {p}", "SYT"),
    ("Sở Giáo dục và Đào tạo tỉnh {p}", "SGDĐT"), ("Sở Nông nghiệp và Môi trường tỉnh {p}", "SNNMT"),
    ("Sở Xây dựng tỉnh {p}", "SXD"), ("Bảo hiểm xã hội tỉnh {p}", "BHXH"), ("Thuế tỉnh {p}", "TCT"),
    ("Kho bạc Nhà nước khu vực {p}", "KBNN"), ("Ủy ban MTTQ Việt Nam tỉnh {p}", "MTTQ"),
)
NATIONAL_ORGANS = (
    ("Văn phòng Chính phủ", "VPCP"), ("Bộ Nội vụ", "BNV"), ("Bộ Tài chính", "BTC"), ("Bộ Y tế", "BYT"),
    ("Bộ Giáo dục và Đào tạo", "BGDĐT"), ("Bộ Nông nghiệp và Môi trường", "BNNMT"), ("Bộ Công an", "BCA"),
    ("Bộ Khoa học và Công nghệ", "BKHCN"), ("Bộ Xây dựng", "BXD"), ("Thanh tra Chính phủ", "TTCP"),
)
SIGNER_POSITIONS = {
    "UBND": ("Chủ tịch", "Phó Chủ tịch", "KT. Chủ tịch - Phó Chủ tịch"),
    "VPUBND": ("Chánh Văn phòng", "Phó Chánh Văn phòng"),
    "": ("Giám đốc", "Phó Giám đốc", "Thủ trưởng", "KT. Giám đốc - Phó Giám đốc", "Trưởng ban", "Bộ trưởng",
         "Thứ trưởng"),
}

# Document types with their share of incoming mail (names as in documents.types_data).
TYPE_MIX = (
    ("Công văn", 44), ("Quyết định", 14), ("Kế hoạch", 9), ("Báo cáo", 7), ("Thông báo", 8), ("Giấy mời", 7),
    ("Tờ trình", 2), ("Hướng dẫn", 3), ("Chỉ thị", 1), ("Nghị quyết", 1), ("Công điện", 1), ("Chương trình", 1),
    ("Quy định", 1), ("Biên bản", 1),
)

ACTIONS = (
    "phê duyệt", "ban hành", "triển khai", "tăng cường", "kiện toàn", "thành lập", "giao", "điều chỉnh",
    "tổ chức", "kiểm tra", "hướng dẫn thực hiện", "đẩy mạnh", "rà soát", "tổng kết", "sơ kết",
)
TOPICS = (
    "công tác phòng, chống thiên tai và tìm kiếm cứu nạn năm {y}",
    "dự toán thu, chi ngân sách nhà nước năm {y}",
    "kế hoạch chuyển đổi số và Đề án 06 năm {y}",
    "công tác cải cách hành chính năm {y}",
    "công tác phòng cháy, chữa cháy mùa khô {y}",
    "chương trình tiêm chủng mở rộng năm {y}",
    "công tác tuyển sinh vào lớp 1 và lớp 6 năm học {y}-{y1}",
    "bồi thường, hỗ trợ, tái định cư dự án đường tỉnh {n}",
    "cấp giấy chứng nhận quyền sử dụng đất lần đầu",
    "xây dựng nông thôn mới nâng cao giai đoạn 2021-2025",
    "bảo hiểm y tế học sinh, sinh viên năm học {y}-{y1}",
    "bảo đảm an toàn thực phẩm dịp Tết Nguyên đán",
    "phòng, chống dịch tả lợn châu Phi",
    "quản lý trật tự xây dựng và đất đai",
    "Ban Chỉ đạo thực hiện Quy chế dân chủ ở cơ sở",
    "kế hoạch sử dụng đất năm {y}",
    "chỉ tiêu tuyển quân năm {y}",
    "Quy chế làm việc của Ủy ban nhân dân",
    "thu hồi đất để thực hiện dự án khu dân cư số {n}",
    "hỗ trợ hộ nghèo, hộ cận nghèo xây dựng nhà ở",
    "danh mục thủ tục hành chính được chuẩn hóa",
    "thực hành tiết kiệm, chống lãng phí năm {y}",
    "công tác dân số và phát triển năm {y}",
    "thi đua, khen thưởng năm {y}",
    "công tác bảo vệ môi trường và thu gom rác thải sinh hoạt",
    "sắp xếp đơn vị hành chính cấp xã",
    "tuyển dụng công chức cấp xã năm {y}",
    "kiểm kê đất đai, lập bản đồ hiện trạng sử dụng đất",
    "giải quyết đơn thư khiếu nại, tố cáo",
    "phòng, chống tác hại của thuốc lá",
    "tháng hành động vì an toàn thực phẩm",
    "diễn tập khu vực phòng thủ năm {y}",
    "đợt cao điểm tấn công, trấn áp tội phạm",
    "hoạt động kỷ niệm Ngày Quốc khánh 2/9",
    "điều tra, rà soát hộ nghèo, hộ cận nghèo năm {y}",
)
PLACES = (
    "trên địa bàn tỉnh {p}", "trên địa bàn xã {c}", "tại xã {c}", "của UBND xã {c}", "tỉnh {p}",
    "trên địa bàn", "", "",
)
REPORT_TOPICS = (
    "kết quả thực hiện nhiệm vụ {period}", "tình hình kinh tế - xã hội {period}", "kết quả công tác cải cách hành "
    "chính {period}", "tiến độ giải ngân vốn đầu tư công {period}", "công tác phòng, chống tham nhũng {period}",
    "tình hình an ninh trật tự {period}", "kết quả thu ngân sách {period}",
)
PERIODS = ("tháng {m} năm {y}", "quý {q} năm {y}", "6 tháng đầu năm {y}", "năm {y}", "9 tháng năm {y}")
MEETINGS = (
    "dự Hội nghị tổng kết công tác {t}", "dự họp trực tuyến về {t}", "dự Hội nghị tập huấn {t}",
    "làm việc với Đoàn kiểm tra về {t}",
)
