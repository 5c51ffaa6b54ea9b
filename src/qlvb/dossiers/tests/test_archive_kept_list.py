"""Danh mục hồ sơ giữ lại (NĐ 30/2020 Điều 31): the dossiers kept in their units past their transfer deadline,
printed as XLSX and PDF for the archivist and the head (linked from the expiring page); another person, or the
list of another agency, is not shown."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess

import pytest
from openpyxl import load_workbook

from qlvb.dossiers import services
from qlvb.dossiers.keeping import dossier_keep, kept_dossiers

from .test_archive_forms import SHOTS
from .test_archive_keeping import ENDED

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def files_dir(settings, tmp_path):
    settings.FILES_DIR = tmp_path / "files"


@pytest.fixture
def kept(free_dossier, handled, person):
    """Two due dossiers closed by Đỗ Thanh Hương; the head keeps the first until 30/06/2027."""
    huong, head = person("dothanhhuong"), person("nguyenvanhung")
    made = []
    for notation, title in (("05.VX", "Hồ sơ thanh tra tiêm chủng 2025"), ("06.VX", "Hồ sơ hội nghị 2025")):
        dossier = free_dossier(notation=notation, title=title, start_date=dt.date(2025, 1, 2))
        services.dossier_documents_add(actor=huong, dossier=dossier, document_ids=[handled(code_number=notation).pk])
        made.append(services.dossier_close(actor=huong, dossier=dossier, end_date=ENDED))
    dossier_keep(actor=head, dossier=made[0], reason="Còn dùng để thanh tra năm 2027", until=dt.date(2027, 6, 30))
    return made


def test_the_list_holds_the_dossiers_still_kept(kept, ubnd):
    rows = kept_dossiers(ubnd)
    assert [(d.notation, k.until) for d, k in rows] == [("05.VX", dt.date(2027, 6, 30))]
    assert kept_dossiers(ubnd, today=dt.date(2027, 7, 1)) == []  # the keeping has ended


def test_the_xlsx_lists_the_kept_dossier_with_its_approval(kept, page_as, archivist):
    response = page_as(archivist).get("/ho-so/luu-tru/ho-so-giu-lai.xlsx")
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    values = [str(c) for row in ws.iter_rows(values_only=True) for c in row if c is not None]
    assert "DANH MỤC HỒ SƠ GIỮ LẠI" in values
    assert "05.VX" in values and "06.VX" not in values
    assert "30/06/2027" in values and "30/11/2026" in values  # kept until, and the transfer deadline
    assert any("Còn dùng để thanh tra năm 2027" in v and "Nguyễn Văn Hùng" in v for v in values)
    assert "Danh mục này gồm 1 hồ sơ." in values
    # the expiring page links it
    page = page_as(archivist).get("/ho-so/luu-tru/het-han/").content.decode()
    assert "/ho-so/luu-tru/ho-so-giu-lai.pdf" in page and "/ho-so/luu-tru/ho-so-giu-lai.xlsx" in page


def test_only_the_archivist_and_the_head_see_it(kept, page_as):
    assert page_as("nguyenvanhung").get("/ho-so/luu-tru/ho-so-giu-lai.xlsx").status_code == 200
    assert page_as("dothanhhuong").get("/ho-so/luu-tru/ho-so-giu-lai.xlsx").status_code == 404
    # the head of another agency sees his own (empty) list, never this one
    response = page_as("tytlienminh_dangvantoan").get("/ho-so/luu-tru/ho-so-giu-lai.xlsx")
    values = [c for row in load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True) for c in row]
    assert "05.VX" not in values and "Danh mục này gồm 0 hồ sơ." in values


@pytest.mark.skipif(shutil.which("soffice") is None and shutil.which("libreoffice") is None, reason="LibreOffice")
def test_the_pdf_is_printed_landscape(kept, page_as, archivist):
    response = page_as(archivist).get("/ho-so/luu-tru/ho-so-giu-lai.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    SHOTS.mkdir(parents=True, exist_ok=True)
    pdf = SHOTS / "ho-so-giu-lai.pdf"
    pdf.write_bytes(response.content)
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        size = next(line for line in info.splitlines() if line.startswith("Page size"))
        width, height = (float(v) for v in size.split(":")[1].split("pts")[0].split("x"))
        assert width > height  # A4 landscape
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(SHOTS / "ho-so-giu-lai")])
