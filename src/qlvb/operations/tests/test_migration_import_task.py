"""The migration bundle's import runs as a Celery task after the confirmation commits (issue 15): a big bundle
no longer outlasts the proxy's time-out inside the request. The run goes checked → queued → running →
imported (or failed, with the reason), keeps its row report, and the task is idempotent: delivered twice, or
again after its worker died half-way, it creates nothing more."""

from __future__ import annotations

import shutil
from typing import Any

import pytest

from qlvb.core.models import AuditEntry
from qlvb.directory.models import User
from qlvb.directory.selectors import agency_of
from qlvb.operations.migration import (
    _staged,
    migration_check_run,
    migration_confirm,
    migration_import,
    migration_submit,
)
from qlvb.operations.migration_models import MigratedAccount, MigratedRecord, MigrationRun, MigrationState
from qlvb.operations.tasks import migration_check_task, migration_import_task

from .test_migration_bundle import bundle, counts

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(person: Any) -> User:
    return person("tranthilan")


def _checked(admin: User) -> MigrationRun:
    agency = agency_of(admin)
    assert agency is not None
    submitted = migration_submit(actor=admin, agency=agency, bundle=bundle(), name="goi.zip")
    run = migration_check_run(submitted.pk)
    assert run is not None and run.state == MigrationState.CHECKED
    return run


def test_the_confirmation_queues_the_task_which_imports_and_keeps_the_report(
    admin: User, celery_eager: None, django_capture_on_commit_callbacks: Any
) -> None:
    run = _checked(admin)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        migration_confirm(actor=admin, agency=run.agency, run_id=run.pk)
    run.refresh_from_db()
    assert run.state == MigrationState.QUEUED and MigratedAccount.objects.count() == 0  # nothing before commit
    with django_capture_on_commit_callbacks(execute=True):
        for callback in queued:  # the commit: the task is queued (and runs here, in-process)
            callback()
    run.refresh_from_db()
    assert run.state == MigrationState.IMPORTED and run.started_at is not None and run.finished_at is not None
    assert run.report["done"] is True and run.rows_created > 0
    sheets = {sheet["file"]: sheet for sheet in run.report["sheets"]}
    assert sheets["nguoi-dung.xlsx"]["created"] == 12 and sheets["nguoi-dung.xlsx"]["rows"]
    assert not _staged(run).exists()  # the staged bundle is removed once imported
    assert MigratedAccount.objects.filter(run=run).count() == 12


def test_the_task_delivered_again_creates_nothing_more(admin: User, django_capture_on_commit_callbacks: Any) -> None:
    run = _checked(admin)
    with django_capture_on_commit_callbacks(execute=False):
        migration_confirm(actor=admin, agency=run.agency, run_id=run.pk)
    kept = _staged(run).parent / "kept.zip"
    shutil.copy(_staged(run) / "bundle.zip", kept)
    assert migration_import(run.pk).state == MigrationState.IMPORTED

    def written() -> tuple[dict[str, int], int, int]:  # what the import makes (the audit log may grow)
        return (
            {k: v for k, v in counts().items() if k != "audit"},
            MigratedAccount.objects.count(),
            MigratedRecord.objects.count(),
        )

    before = written()
    assert migration_import_task.apply(args=(run.pk,)).get() == MigrationState.IMPORTED  # a second delivery
    # a worker that died half-way leaves the run "running": delivered again, it runs and skips what exists
    _staged(run).mkdir(parents=True)
    shutil.copy(kept, _staged(run) / "bundle.zip")
    MigrationRun.objects.filter(pk=run.pk).update(state=MigrationState.RUNNING)
    again = migration_import(run.pk)
    assert again.state == MigrationState.IMPORTED and again.rows_created == 0
    assert written() == before


def test_a_run_whose_bundle_is_gone_fails_with_its_reason(admin: User, django_capture_on_commit_callbacks: Any) -> None:
    run = _checked(admin)
    with django_capture_on_commit_callbacks(execute=False):
        migration_confirm(actor=admin, agency=run.agency, run_id=run.pk)
    shutil.rmtree(_staged(run))
    failed = migration_import(run.pk)
    assert failed.state == MigrationState.FAILED and "Không còn tệp gói đã kiểm tra" in failed.message
    assert MigratedAccount.objects.count() == 0
    assert migration_import(run.pk).state == MigrationState.FAILED  # left as it is


def test_the_dry_run_is_a_task_that_checks_once_and_fails_with_its_reason_when_the_bundle_is_gone(
    admin: User, django_capture_on_commit_callbacks: Any
) -> None:
    agency = agency_of(admin)
    assert agency is not None
    with django_capture_on_commit_callbacks(execute=False) as queued:
        run = migration_submit(actor=admin, agency=agency, bundle=bundle(), name="goi.zip")
    assert run.state == MigrationState.CHECKING and len(queued) == 1 and (_staged(run) / "bundle.zip").exists()
    assert migration_check_task.apply(args=(run.pk,)).get() == MigrationState.CHECKED
    run.refresh_from_db()
    assert run.rows_total == 114 and run.rows_error == 0 and run.report["sheets"]
    checked = AuditEntry.objects.filter(action="operations.bundle_checked", object_id=str(run.pk))
    assert checked.count() == 1
    again = migration_check_run(run.pk)  # delivered again
    assert again is not None and again.state == MigrationState.CHECKED and checked.count() == 1
    assert MigratedAccount.objects.count() == 0  # a dry run writes nothing
    confirmed = migration_confirm(actor=admin, agency=agency, run_id=run.pk)  # and the import may follow
    assert confirmed.state == MigrationState.QUEUED

    with django_capture_on_commit_callbacks(execute=False):
        lost = migration_submit(actor=admin, agency=agency, bundle=bundle(), name="goi.zip")
    shutil.rmtree(_staged(lost))
    failed = migration_check_run(lost.pk)
    assert failed is not None and failed.state == MigrationState.FAILED
    assert "Không còn tệp gói đã tải lên" in failed.message
    assert migration_check_run(10**9) is None  # a run that does not exist
