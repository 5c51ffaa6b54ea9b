"""The 29 administrative document types of Nghị định 30/2020 Điều 7 with their Phụ lục III
abbreviations (regulations.md §1.2). Công văn and Thư công have none. Seeded by a migration; editable."""

DOCUMENT_TYPES: tuple[tuple[str, str], ...] = (
    ("Nghị quyết", "NQ"),
    ("Quyết định", "QĐ"),
    ("Chỉ thị", "CT"),
    ("Quy chế", "QC"),
    ("Quy định", "QyĐ"),
    ("Thông cáo", "TC"),
    ("Thông báo", "TB"),
    ("Hướng dẫn", "HD"),
    ("Chương trình", "CTr"),
    ("Kế hoạch", "KH"),
    ("Phương án", "PA"),
    ("Đề án", "ĐA"),
    ("Dự án", "DA"),
    ("Báo cáo", "BC"),
    ("Biên bản", "BB"),
    ("Tờ trình", "TTr"),
    ("Hợp đồng", "HĐ"),
    ("Công văn", ""),
    ("Công điện", "CĐ"),
    ("Bản ghi nhớ", "BGN"),
    ("Bản thỏa thuận", "BTT"),
    ("Giấy ủy quyền", "GUQ"),
    ("Giấy mời", "GM"),
    ("Giấy giới thiệu", "GGT"),
    ("Giấy nghỉ phép", "GNP"),
    ("Phiếu gửi", "PG"),
    ("Phiếu chuyển", "PC"),
    ("Phiếu báo", "PB"),
    ("Thư công", ""),
)


def document_types_ensure() -> int:
    """Create the missing ones (the migration seeds them; a flushed test database — transactional tests —
    loses them). Returns how many were created; existing rows, possibly edited, are left alone."""
    import unicodedata

    from .models import DocumentType

    created = 0
    for ordinal, (name, abbreviation) in enumerate(DOCUMENT_TYPES, start=1):
        _obj, new = DocumentType.objects.get_or_create(
            name=unicodedata.normalize("NFC", name),
            defaults={"abbreviation": unicodedata.normalize("NFC", abbreviation), "ordinal": ordinal},
        )
        created += int(new)
    return created
