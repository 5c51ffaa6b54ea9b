"""The migration page (the agency's administrator; 404 for others): the sample bundle and the templates to
download, the dry run shown sheet by sheet, the confirmation importing the staged bundle, the migrated accounts
listed with their old codes."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from qlvb.operations.migration_models import MigratedAccount, MigrationRun, MigrationState

from .test_migration_bundle import edited

pytestmark = pytest.mark.django_db
URL = "/quan-tri/chuyen-doi/"


def test_the_page_is_the_administrators_and_not_the_clerks(page_as):
    page = page_as("tranthilan").get(URL)
    assert page.status_code == 200
    assert "Chuyển đổi dữ liệu từ hệ thống cũ" in page.content.decode()
    assert page_as("lethuha").get(URL).status_code == 404
    assert page_as("lethuha").get(f"{URL}goi-mau.zip").status_code == 404
    # the register import page leads the administrator there, and not the clerk
    assert f'href="{URL}"' in page_as("tranthilan").get("/quan-tri/nhap-so/").content.decode()
    assert f'href="{URL}"' not in page_as("lethuha").get("/quan-tri/nhap-so/").content.decode()


def test_the_sample_and_the_templates_download(page_as):
    client = page_as("tranthilan")
    sample = client.get(f"{URL}goi-mau.zip")
    assert sample.status_code == 200 and sample["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(sample.content)) as zf:
        names = set(zf.namelist())
        assert b'"organ_id": "000.00.31.H42"' in zf.read("manifest.json")
    assert {"manifest.json", "don-vi.xlsx", "nguoi-dung.xlsx", "giao-xu-ly.xlsx", "ho-so.xlsx"} <= names
    template = client.get(f"{URL}mau/nguoi-dung.xlsx")
    assert template.status_code == 200
    header = next(load_workbook(io.BytesIO(template.content)).worksheets[0].iter_rows(values_only=True))
    assert header[:3] == ("Mã người dùng", "Họ và tên", "Mã đơn vị")
    assert client.get(f"{URL}mau/khong-co.xlsx").status_code == 404


def test_check_then_confirm_imports_the_staged_bundle_in_the_background_and_lists_the_accounts(
    page_as, celery_eager, django_capture_on_commit_callbacks
):
    client = page_as("tranthilan")
    sample = client.get(f"{URL}goi-mau.zip").content
    # the upload only keeps the bundle: the dry run is a task queued once the request has committed
    with django_capture_on_commit_callbacks(execute=False) as checks:
        uploaded = client.post(URL, {"bundle": SimpleUploadedFile("goi.zip", sample)})
    run = MigrationRun.objects.get()
    assert uploaded.status_code == 302 and uploaded["Location"] == f"{URL}{run.pk}/"
    assert run.state == MigrationState.CHECKING and run.report == {}
    checking = client.get(f"{URL}{run.pk}/").content.decode()
    assert 'data-state="checking"' in checking and 'hx-trigger="every 5s"' in checking
    assert 'data-qlvb="migration-confirm"' not in checking
    for callback in checks:
        callback()
    checked = client.get(f"{URL}{run.pk}/")
    text = checked.content.decode()
    assert checked.status_code == 200 and "Kết quả kiểm tra (chưa nhập)" in text
    assert "nguoi-dung.xlsx" in text and "114 sẽ tạo hoặc gộp" in text
    assert 'data-qlvb="migration-confirm"' in text and 'hx-trigger="every 5s"' not in text
    assert MigratedAccount.objects.count() == 0
    run.refresh_from_db()
    assert run.state == MigrationState.CHECKED and run.rows_total == 114
    # the confirmation only queues the import; the task runs once the request has committed
    with django_capture_on_commit_callbacks(execute=False) as queued:
        confirmed = client.post(f"{URL}{run.pk}/nhap/")
    assert confirmed.status_code == 302 and confirmed["Location"] == f"{URL}{run.pk}/"
    run.refresh_from_db()
    assert run.state == MigrationState.QUEUED and MigratedAccount.objects.count() == 0
    waiting = client.get(f"{URL}{run.pk}/").content.decode()
    assert 'data-state="queued"' in waiting and 'hx-trigger="every 5s"' in waiting
    assert client.post(f"{URL}{run.pk}/nhap/").status_code == 302  # pressed twice: nothing more queued
    for callback in queued:
        callback()
    run.refresh_from_db()
    assert run.state == MigrationState.IMPORTED
    assert run.imported_by is not None and run.imported_by.username == "ublienminh_tranthilan"
    done = client.get(f"{URL}{run.pk}/")
    text = done.content.decode()
    assert done.status_code == 200 and 'data-qlvb="migration-done"' in text and 'hx-trigger="every 5s"' not in text
    assert 'data-state="imported"' in text and "đã tạo 12" in text  # the row report, kept on the run
    assert "ublienminh_nguyenvanan" in text and "Khóa, chờ kích hoạt" in text
    assert MigratedAccount.objects.count() == 12
    again = client.post(f"{URL}{run.pk}/nhap/")  # confirming once imported
    assert again.status_code == 422 and "đã được nhập hoặc không còn tệp" in again.content.decode()


def test_another_agency_does_not_see_a_run(page_as, celery_eager, django_capture_on_commit_callbacks):
    from qlvb.directory.tests.support import other_agency

    client = page_as("tranthilan")
    sample = client.get(f"{URL}goi-mau.zip").content
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, {"bundle": SimpleUploadedFile("goi.zip", sample)})
    run = MigrationRun.objects.get()
    _agency, quan = other_agency()
    assert page_as(quan).get(f"{URL}{run.pk}/").status_code == 404
    assert page_as(quan).post(f"{URL}{run.pk}/nhap/").status_code == 404
    run.refresh_from_db()
    assert run.state == MigrationState.CHECKED


def test_a_bad_upload_says_why_at_once_and_keeps_nothing(page_as):
    client = page_as("tranthilan")
    page = client.post(URL, {"bundle": SimpleUploadedFile("goi.zip", b"not a zip at all")})
    assert page.status_code == 422
    assert "Tệp “goi.zip” không phải tệp ZIP của gói chuyển đổi." in page.content.decode()
    assert not MigrationRun.objects.exists()


def test_rows_in_error_come_back_on_the_runs_page_without_the_button(
    page_as, celery_eager, django_capture_on_commit_callbacks
):
    from qlvb.operations.migration import _staged

    client = page_as("tranthilan")
    broken = edited("nguoi-dung.xlsx", {(3, 2): "KHONGCO"})  # an account of a unit the bundle lacks
    with django_capture_on_commit_callbacks(execute=True):
        uploaded = client.post(URL, {"bundle": SimpleUploadedFile("loi.zip", broken.getvalue())})
    run = MigrationRun.objects.get()
    assert uploaded.status_code == 302 and run.state == MigrationState.FAILED and run.rows_error >= 1
    text = client.get(f"{URL}{run.pk}/").content.decode()
    assert 'data-qlvb="migration-blocked"' in text and 'data-qlvb="migration-confirm"' not in text
    assert "đơn vị “KHONGCO” không có trong don-vi.xlsx" in text and 'hx-trigger="every 5s"' not in text
    assert not _staged(run).exists()  # nothing kept to import
    assert client.post(f"{URL}{run.pk}/nhap/").status_code == 422
