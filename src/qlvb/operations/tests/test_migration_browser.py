"""A person sees it (issue 15): the administrator of UBND xã Liên Minh downloads the sample bundle, uploads a
copy with a wrong row, reads the dry run sheet by sheet, uploads the right one, imports it and finds the
migrated accounts listed with their old codes. Screenshots: var/screenshots/migration-*.png."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from qlvb.conftest import no_csp_violation
from qlvb.directory.demo import load_demo
from qlvb.operations.migration_models import MigratedAccount

from .test_migration_bundle import bundle, edited

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_administrator_checks_and_imports_a_bundle(
    live_server: Any, browser_as: Any, shot: Any, accessible: Any, tmp_path: Path, celery_eager: None
) -> None:
    load_demo()
    wrong = tmp_path / "goi-loi.zip"
    wrong.write_bytes(edited("nguoi-dung.xlsx", {(3, 2): "KHONGCO"}).getvalue())
    right = tmp_path / "goi.zip"
    right.write_bytes(bundle().getvalue())

    admin = browser_as("tranthilan")
    errors: list[str] = []
    admin.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    admin.goto(f"{live_server.url}/quan-tri/chuyen-doi/")
    accessible(admin, "the migration page")
    admin.get_by_label("Gói chuyển đổi (.zip có manifest.json)").set_input_files(str(wrong))
    admin.get_by_role("button", name="Kiểm tra (chưa nhập)").click()
    admin.locator('[data-qlvb="migration-blocked"]').wait_for()
    sheet = admin.locator('[data-qlvb="sheet-nguoi-dung.xlsx"]')
    assert "đơn vị “KHONGCO” không có trong don-vi.xlsx" in sheet.inner_text()
    accessible(admin, "the dry run with errors")
    shot(admin, "migration-errors")

    admin.get_by_label("Gói chuyển đổi (.zip có manifest.json)").set_input_files(str(right))
    admin.get_by_role("button", name="Kiểm tra (chưa nhập)").click()
    admin.locator('[data-qlvb="migration-confirm"] button').click()
    # the import runs as a task after the confirmation commits (here in-process); the run's page shows it
    admin.locator('[data-qlvb="migration-done"]').wait_for()
    table = admin.locator('[data-qlvb="migrated-accounts"]')
    assert "ublienminh_nguyenvanan" in table.inner_text()
    accessible(admin, "the import result")
    shot(admin, "migration-done")
    no_csp_violation(errors)
    assert MigratedAccount.objects.count() == 12


def test_the_runs_page_follows_the_background_work_without_reloading(
    live_server: Any, browser_as: Any, shot: Any, accessible: Any
) -> None:
    from django.utils import timezone

    from qlvb.directory.models import Unit, User
    from qlvb.operations.migration_models import MigrationRun, MigrationState

    load_demo()
    run = MigrationRun.objects.create(
        agency=Unit.objects.get(short_name="UBND", kind="agency"),
        state=MigrationState.CHECKING,
        file_name="goi-lon.zip",
        sha256="0" * 64,
        created_by=User.objects.get(username="ublienminh_tranthilan"),
        created_at=timezone.now(),
    )
    admin = browser_as("tranthilan", phone=True)
    admin.goto(f"{live_server.url}/quan-tri/chuyen-doi/{run.pk}/")
    admin.locator('[data-qlvb="migration-state"][data-state="checking"]').wait_for()
    accessible(admin, "a run being checked, on a phone")  # no timed refresh, readable link in the notice
    assert "{#" not in admin.locator("main").inner_text() and "comment" not in admin.locator("main").inner_text()
    shot(admin, "migration-checking-phone")
    admin.evaluate("window.qlvbSamePage = true")  # gone if the page were loaded again
    MigrationRun.objects.filter(pk=run.pk).update(
        state=MigrationState.FAILED, message="Không còn tệp gói đã tải lên: hãy tải gói lên lại."
    )
    admin.locator('[data-qlvb="migration-state"][data-state="failed"]').wait_for(timeout=15_000)
    assert "Không còn tệp gói đã tải lên" in admin.locator('[data-qlvb="migration-failure"]').inner_text()
    assert admin.evaluate("window.qlvbSamePage === true")  # the part was replaced, the page was not reloaded
    assert admin.locator('[data-qlvb="migration-polling"]').count() == 0  # and it stopped asking
    assert "Có dòng lỗi, chưa nhập" in admin.locator('[data-qlvb="migration-history"]').inner_text()  # the list too
    assert admin.locator("#qlvb-migration-lists").count() == 1  # swapped in place, not doubled
