"""Issue 15, "Có gì mới": after an upgrade to a version the changelog (docs/huong-dan/co-gi-moi.md)
describes, each person sees "Có gì mới trong phiên bản X" until he dismisses it, then never again; the
dismissal is his own; the changelog is a page of the guide."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone

from qlvb.core.audit import AuditEntry
from qlvb.operations.upgrade import code_version
from qlvb.operations.upgrade_models import UpgradeResult, UpgradeRun, WhatsNewSeen
from qlvb.operations.whats_new import changelog_versions, upgraded_version_changed

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


BANNER = "Có gì mới trong phiên bản"


def _upgraded(version: str, result: str = UpgradeResult.DONE) -> UpgradeRun:
    now = timezone.now()
    run = UpgradeRun.objects.create(
        from_version="0.0.9", to_version=version, started_at=now, finished_at=now, result=result
    )
    upgraded_version_changed()  # what qlvb upgrade does when it records a run
    return run


def test_the_changelog_describes_the_version_of_the_code() -> None:
    assert code_version() in changelog_versions()


def test_each_person_sees_the_notice_once_until_dismissed(person: Any, client: Any) -> None:
    version = code_version()
    ha, other = person("lethuha"), person("dothanhhuong")
    client.force_login(ha)
    assert BANNER not in client.get("/").content.decode()  # no upgrade yet
    _upgraded(version)

    page = client.get("/").content.decode()
    assert f"{BANNER} {version}" in page
    assert 'href="/ho-tro/huong-dan/co-gi-moi/"' in page
    dismissed = client.post("/quan-tri/nang-cap/co-gi-moi/da-xem/", {"version": version, "next": "/van-ban-den/"})
    assert dismissed.status_code == 302 and dismissed["Location"] == "/van-ban-den/"
    assert BANNER not in client.get("/").content.decode()
    assert client.post("/quan-tri/nang-cap/co-gi-moi/da-xem/", {"version": version}).status_code == 302  # no-op
    assert WhatsNewSeen.objects.filter(user=ha).count() == 1
    assert AuditEntry.objects.filter(action="operations.whats_new_seen").count() == 1

    client.force_login(other)  # the dismissal is per person
    assert f"{BANNER} {version}" in client.get("/").content.decode()


def test_a_failed_upgrade_or_a_version_without_a_changelog_shows_nothing(person: Any, client: Any) -> None:
    client.force_login(person("lethuha"))
    _upgraded(code_version(), result=UpgradeResult.FAILED)
    _upgraded("9.9.9-khong-co")
    assert BANNER not in client.get("/").content.decode()
    refused = client.post("/quan-tri/nang-cap/co-gi-moi/da-xem/", {"version": "9.9.9-khong-co"})
    assert refused.status_code == 400
    assert "Không có phiên bản này" in refused.content.decode()
    redirect = client.post("/quan-tri/nang-cap/co-gi-moi/da-xem/", {"version": code_version(), "next": "https://x.io/"})
    assert redirect["Location"] == "/"  # never sent off-site


def test_the_changelog_page_and_the_upgrades_page(person: Any, client: Any) -> None:
    client.force_login(person("lethuha"))
    page = client.get("/ho-tro/huong-dan/co-gi-moi/").content.decode()
    assert f"Phiên bản {code_version()}" in page and "Văn thư" in page and "Lãnh đạo" in page
    assert client.get("/quan-tri/nang-cap/").status_code == 404  # the administrator's page only
