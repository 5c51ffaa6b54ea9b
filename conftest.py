"""Fixtures shared by every app's tests: the demo agency and its people by role."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from django.conf import settings as django_settings
from hypothesis import HealthCheck, settings

from qlvb.directory.demo import load_demo
from qlvb.directory.models import User

# Argon2id at its lowest cost for the tests' own passwords (core/tests/hashers.py); production's stays.
django_settings.PASSWORD_HASHERS = [
    "qlvb.core.tests.hashers.CheapArgon2PasswordHasher",
    *django_settings.PASSWORD_HASHERS,
]

# Each kept statement is compiled afresh at every call too, and must give the same SQL (core/statements.py).
django_settings.QLVB_STATEMENTS_CHECK = True

DEMO_PASSWORD = "LienMinh@2025"  # noqa: S105  (the demo password, README)

# Property tests draw their inputs under the load of the two databases' runs side by side: a slow draw is the
# machine, not the property (it failed a run with "Input generation is slow"). The examples stay the same.
settings.register_profile("qlvb", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("qlvb")


@pytest.fixture(autouse=True)
def _migration_seeded_rows(request: pytest.FixtureRequest) -> None:
    """Rows the migrations seed (the 29 document types) are wiped by the flush that ends every
    transactional test; put them back for whichever database test comes next."""
    if "django_db" not in request.keywords and not {"db", "transactional_db"} & set(request.fixturenames):
        return
    request.getfixturevalue("transactional_db" if "transactional_db" in request.fixturenames else "db")
    from qlvb.documents.models import DocumentType
    from qlvb.documents.types_data import document_types_ensure

    if not DocumentType.objects.exists():
        document_types_ensure()


@pytest.fixture(autouse=True)
def _audit_anchor_per_test(settings: object, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Each test anchors the audit chain in a file of its own, never in var/ of ``make run``."""
    settings.QLVB_AUDIT_ANCHOR_FILE = tmp_path_factory.mktemp("anchor") / "audit-anchor.jsonl"  # type: ignore[attr-defined]


@pytest.fixture
def demo(db: None) -> None:
    """UBND xã Liên Minh with its departments, Trạm Y tế, and the demo users."""
    load_demo()


@pytest.fixture
def person(demo: None) -> Callable[[str], User]:
    """``person("lethuha")`` → the demo user ``ublienminh_lethuha`` (or a full username)."""

    def get(name: str) -> User:
        username = name if "_" in name or name == "admin" else f"ublienminh_{name}"
        return User.objects.get(username=username)

    return get


@pytest.fixture
def celery_eager() -> Iterator[None]:
    """Run Celery tasks in-process for this test. Celery reads Django's settings once, so overriding
    ``settings.CELERY_TASK_ALWAYS_EAGER`` after the first task is not enough: set the app's config."""
    from qlvb.celery_app import app

    before = (app.conf.task_always_eager, app.conf.task_eager_propagates, app.conf.task_ignore_result)
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    app.conf.task_ignore_result = False
    try:
        yield
    finally:
        app.conf.task_always_eager, app.conf.task_eager_propagates, app.conf.task_ignore_result = before


# A test that asks for no database (no django_db mark, no database fixture) cannot touch one: pytest-django
# refuses it. Its result is the same on SQLite and on PostgreSQL, so `make test` runs it once, in the SQLite
# runs, and sets QLVB_TEST_DATABASE_ONLY=1 for the PostgreSQL runs (scripts/test.sh): the PostgreSQL runs
# hold every test that uses the database, and no CPU goes into OCR, edXML or PDF work done twice.
DATABASE_FIXTURES = frozenset(
    {"db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback", "live_server"}
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    import os

    if os.environ.get("QLVB_TEST_DATABASE_ONLY") != "1":
        return
    keep: list[pytest.Item] = []
    drop: list[pytest.Item] = []
    for item in items:
        uses = item.get_closest_marker("django_db") is not None or bool(
            DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))
        )
        # a check of the SQLite file database (its own process, its own file) is the same in every run:
        # the SQLite run holds it
        (keep if uses and item.get_closest_marker("sqlite_file") is None else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep
