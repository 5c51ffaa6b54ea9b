"""OCR accuracy measured on Vietnamese scans made in the run (issue 12): the character error rate of
a clean 300 dpi page of a Quyết định through the pipeline (OCRmyPDF, Tesseract ``vie``) is at most 2 %.
The other cases (200 dpi, noise, skew, a red stamp) are measured by ``bench/bench_ocr.py``."""

from __future__ import annotations

from pathlib import Path

from qlvb.files.extraction import Limits, extraction

from . import scans


def test_clean_300_dpi_page_reads_with_at_most_2_percent_cer(tmp_path: Path):
    scan = scans.Scan(scans.QUYET_DINH, dpi=300)
    path = tmp_path / "qd.png"
    path.write_bytes(scans.png_bytes(scans.render(scan), dpi=300))
    with extraction(path, kind="png", name="qd.png", limits=Limits.from_settings()) as found:
        rate = scans.cer(scan.text, found.text)
    assert rate <= 0.02, f"CER {rate:.2%}"


def test_cer_counts_what_was_misread():
    assert scans.cer("Quyết định số 15", "Quyết định số 15") == 0
    assert scans.cer("Quyết định", "Quyet định") == 1 / 10  # one letter of ten
    assert scans.cer("Số: 123\nNinh Bình", "Số: 123 Ninh  Bình") == 0  # layout does not count


def test_a_red_seal_noise_and_skew_still_read_within_3_percent(tmp_path: Path):
    """The seal over the signature block, 2 % specks and a 2° skew (Tesseract alone: about 12 %): the
    filter OCRmyPDF applies for Tesseract (ocr.OCR_FILTER_PLUGIN) reads them away."""
    scan = scans.Scan(scans.QUYET_DINH, dpi=300, noise=0.02, skew=2.0, stamp=True)
    path = tmp_path / "qd.png"
    path.write_bytes(scans.png_bytes(scans.render(scan), dpi=300))
    with extraction(path, kind="png", name="qd.png", limits=Limits.from_settings()) as found:
        rate = scans.cer(scan.text, found.text)
    assert rate <= 0.03, f"CER {rate:.2%}"
