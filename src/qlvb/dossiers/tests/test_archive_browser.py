"""In Chromium: Đỗ Thanh Hương completed an incoming document and its reply was issued; she opens the dossier
of the approved list, files both, closes it, prepares and submits a nộp lưu batch; the demo archivist Lương
Văn Đức finds it in the archive's inbox, checks it against the list and accepts it; the printed Mục lục and
Biên bản are rendered to PNG. Bad input: an empty dossier offers no close, an open one is not offered for
submission, disposing of a permanent or a non-expired dossier is refused, another agency's ids are 404.
Each page is checked with axe-core; screenshots under var/screenshots/dossiers/."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest
from django.utils import timezone

from qlvb.conftest import assert_accessible
from qlvb.directory.models import Unit
from qlvb.dossiers import archive, services
from qlvb.dossiers.archive_models import TransferBatch
from qlvb.dossiers.models import Dossier, DossierState
from qlvb.incoming.handling import assignment_accept, assignment_complete
from qlvb.outgoing.tests.conftest import (  # noqa: F401  (the outgoing flow's fixtures: a reply issued)
    agency_key,
    committed,
    cong_van,
    cong_van_docx,
    draft,
    eager,
    issued,
    pki,
    profiles,
    seal_image,
    signature_image,
    signed,
    signing_settings,
    to_sign,
    with_version,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# a checkbox the page never offered, added to the disposal form as a tampering client would
TAMPER = """pk => { const box = document.createElement('input'); box.type = 'checkbox'; box.name = 'dossier';
box.value = pk; box.checked = true; document.querySelector('[data-qlvb="disposal-propose"]').append(box); }"""
SHOTS = Path(__file__).resolve().parents[4] / "var" / "screenshots" / "dossiers"


@pytest.fixture(autouse=True)
def files_dir(settings, tmp_path):
    settings.FILES_DIR = tmp_path / "files"


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _approved_plan(person, ubnd: Unit):
    clerk = person("lethuha")
    plan = services.plan_create(actor=clerk, agency=ubnd, year=timezone.localdate().year)
    heading = services.plan_heading_add(actor=clerk, plan=plan, title="Văn hóa - Xã hội", abbreviation="VX")
    services.plan_row_add(
        actor=clerk,
        plan=plan,
        heading=heading,
        title="Hồ sơ giải quyết văn bản về an toàn thực phẩm",
        retention_years=10,
        retention_ref="Mục 12, TT 10/2022",
    )
    return services.plan_approve(actor=person("nguyenvanhung"), plan=plan)


def _archived(person, handled, notation: str, years: int | None, ended: dt.date) -> Dossier:
    """A dossier already under the archive (through the services), for the disposal refusals."""
    huong, keeper = person("dothanhhuong"), person("luongvanduc")
    dossier = services.dossier_open(
        actor=huong,
        title=f"Hồ sơ lưu trữ {notation}",
        notation=notation,
        retention_years=years,
        start_date=ended - dt.timedelta(days=30),
    )
    doc = handled(subject=f"Văn bản {notation}", code_number=notation[:2])
    services.dossier_documents_add(actor=huong, dossier=dossier, document_ids=[doc.pk])
    services.dossier_close(actor=huong, dossier=dossier, end_date=ended)
    batch = archive.transfer_create(actor=huong, dossier_ids=[dossier.pk], title="")
    archive.transfer_submit(actor=huong, batch=batch)
    archive.transfer_accept(actor=keeper, item=batch.items.get())
    return dossier


def _print(page, url: str, name: str) -> None:
    response = page.request.get(url)
    assert response.status == 200 and response.body().startswith(b"%PDF")
    pdf = SHOTS / f"{name}.pdf"
    pdf.write_bytes(response.body())
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", str(pdf), str(SHOTS / name)], check=True)


def test_an_officer_files_closes_and_submits_and_the_archivist_accepts(
    celery_eager,
    browser_as,
    live_server,
    handled,
    issued,  # noqa: F811  (the fixture imported above)
    person,
    ubnd,
):
    # --- set-up: the incoming document completed, its reply issued, the dossier list approved -------------
    asked = handled(subject="Về việc kiểm tra an toàn thực phẩm dịp Tết", code_number="31", page_amount=2)
    huong = person("dothanhhuong")
    lead = asked.assignments.get(user=huong)
    lead = assignment_complete(actor=huong, assignment=lead, result="Đã kiểm tra, có công văn trả lời")
    if lead.status == "awaiting":
        assignment_accept(actor=person("lethuha"), assignment=lead)
    reply = issued(answers=asked, subject="Báo cáo kết quả kiểm tra an toàn thực phẩm")
    plan = _approved_plan(person, ubnd)
    expired = _archived(person, handled, "41.VX", 5, dt.date(2015, 6, 30))
    permanent = _archived(person, handled, "42.VX", None, dt.date(2015, 6, 30))
    base = live_server.url

    # --- the officer -------------------------------------------------------------------------------------
    page = browser_as("dothanhhuong")
    page.goto(f"{base}/ho-so/")
    box = page.locator('[data-qlvb="unfiled"]').inner_text()
    assert "Về việc kiểm tra an toàn thực phẩm dịp Tết" in box and "báo cáo kết quả kiểm tra an toàn thực phẩm" in box
    page.goto(f"{base}/ho-so/danh-muc/{plan.pk}/")
    page.get_by_role("button", name="Mở hồ sơ 01.VX").click()
    page.wait_for_load_state("networkidle")
    assert "Hồ sơ giải quyết văn bản về an toàn thực phẩm" in page.locator("h1").inner_text()
    # bad input: an empty dossier has no close button, only the reason
    assert page.locator('[data-qlvb="dossier-close"]').count() == 0
    assert "chưa có văn bản nên chưa đóng được" in page.locator('[data-qlvb="close-hint"]').inner_text()
    dossier = Dossier.objects.get(notation="01.VX", year=plan.year)
    # bad input: an open dossier is not offered for submission
    page.goto(f"{base}/ho-so/nop-luu/")
    assert dossier.file_code not in page.locator('[data-qlvb="transferable"]').inner_text()
    page.goto(f"{base}/ho-so/{dossier.pk}/")
    page.locator(f"#unfiled-{asked.pk}").check()
    page.locator(f"#unfiled-{reply.document.pk}").check()
    page.locator('[data-qlvb="add-unfiled-ok"]').click()
    page.wait_for_load_state("networkidle")
    assert page.locator('[data-qlvb="doc-total"]').inner_text() == "2"
    page.locator('[data-qlvb="terms"]').get_by_label("Chế độ sử dụng").select_option("Công khai")
    page.locator('[data-qlvb="terms"]').get_by_role("button", name="Lưu chế độ sử dụng").click()
    page.wait_for_load_state("networkidle")
    assert page.locator('[data-qlvb="rights"]').inner_text() == "Công khai"
    page.locator('[data-qlvb="dossier-close-ok"]').click()
    page.wait_for_load_state("networkidle")
    assert page.locator('[data-qlvb="dossier-state"]').inner_text() == "Đã đóng"
    due = (timezone.localdate().replace(year=timezone.localdate().year + 1)).strftime("%d/%m/%Y")
    assert due in page.locator('[data-qlvb="transfer-due"]').inner_text()
    assert_accessible(page, "hồ sơ đã đóng với ô lưu trữ")
    _shot(page, "archive-1-closed")
    page.goto(f"{base}/ho-so/nop-luu/")
    page.get_by_label("Hồ sơ giải quyết văn bản về an toàn thực phẩm").check()
    page.get_by_label("Tên khối tài liệu nộp lưu").fill("Tài liệu Phòng Văn hóa - Xã hội")
    assert_accessible(page, "nộp lưu: chọn hồ sơ")
    _shot(page, "archive-2-prepare")
    page.locator('[data-qlvb="transfer-create-ok"]').click()
    page.wait_for_load_state("networkidle")
    page.locator('[data-qlvb="transfer-submit"]').click()
    page.wait_for_load_state("networkidle")
    assert page.locator('[data-qlvb="batch-state"]').inner_text() == "Đã nộp, chờ lưu trữ kiểm tra"
    batch = TransferBatch.objects.get(title="Tài liệu Phòng Văn hóa - Xã hội")

    # --- the archivist -------------------------------------------------------------------------------------
    keeper = browser_as("luongvanduc")
    keeper.goto(f"{base}/ho-so/luu-tru/")
    inbox = keeper.locator('[data-qlvb="archive-inbox"]')
    assert "Tài liệu Phòng Văn hóa - Xã hội" in inbox.inner_text()
    assert_accessible(keeper, "hộp hồ sơ nộp lưu của lưu trữ")
    _shot(keeper, "archive-3-inbox")
    inbox.get_by_role("link", name="Tài liệu Phòng Văn hóa - Xã hội").click()
    keeper.wait_for_load_state("networkidle")
    row = keeper.locator('[data-qlvb="transfer-item"]')
    assert "Có trong danh mục năm" in row.inner_text()  # checked against the dossier list
    assert_accessible(keeper, "đợt nộp lưu chờ kiểm tra")
    _shot(keeper, "archive-4-check")
    keeper.get_by_role("button", name="Nhận hồ sơ 01.VX").click()
    keeper.wait_for_load_state("networkidle")
    assert keeper.locator('[data-qlvb="batch-state"]').inner_text() == "Lưu trữ đã kiểm tra xong"
    assert keeper.locator('[data-qlvb="decision"]').inner_text() == "Đã nhận"
    _shot(keeper, "archive-5-accepted")
    dossier.refresh_from_db()
    assert dossier.state == DossierState.ARCHIVED
    _print(keeper, f"{base}/ho-so/nop-luu/{batch.pk}/muc-luc-nop-luu.pdf", "browser-muc-luc-nop-luu")
    _print(keeper, f"{base}/ho-so/nop-luu/{batch.pk}/bien-ban-giao-nhan.pdf", "browser-bien-ban-giao-nhan")

    # read-only for the officer now; Công khai: a colleague of the agency reads it
    page.goto(f"{base}/ho-so/{dossier.pk}/")
    assert page.locator('[data-qlvb="dossier-state"]').inner_text() == "Lưu trữ cơ quan đã nhận"
    assert page.locator('[data-qlvb="terms"]').count() == 0 and page.locator('[data-qlvb="add-unfiled"]').count() == 0
    colleague = browser_as("ngothuytrang")
    assert colleague.goto(f"{base}/ho-so/{dossier.pk}/").status == 200

    # bad input: disposing of a permanent and of a non-expired dossier (a tampered form) is refused
    keeper.goto(f"{base}/ho-so/luu-tru/het-han/")
    listed = keeper.locator('[data-qlvb="expiring"]').inner_text()
    assert expired.file_code in listed and permanent.file_code not in listed and dossier.file_code not in listed
    assert_accessible(keeper, "hồ sơ hết hạn bảo quản")
    _shot(keeper, "archive-6-expiring")
    for target, reason in ((permanent, "Vĩnh viễn: không bao giờ được hủy"), (dossier, "chưa hết thời hạn bảo quản")):
        keeper.goto(f"{base}/ho-so/luu-tru/het-han/")
        keeper.evaluate(
            TAMPER,
            str(target.pk),
        )
        keeper.get_by_label("Lý do hủy").fill("Hết thời hạn bảo quản")
        keeper.locator('[data-qlvb="disposal-propose-ok"]').click()
        keeper.wait_for_load_state("networkidle")
        assert reason in keeper.locator("main").inner_text()
    assert not Dossier.objects.filter(state=DossierState.DISPOSED).exists()

    # another agency's person: 404 on the dossier, the batch and its printed forms
    other = browser_as("tytlienminh_buithiloan")
    assert other.goto(f"{base}/ho-so/{dossier.pk}/").status == 404
    assert other.goto(f"{base}/ho-so/nop-luu/{batch.pk}/").status == 404
    assert other.request.get(f"{base}/ho-so/nop-luu/{batch.pk}/bien-ban-giao-nhan.pdf").status == 404
