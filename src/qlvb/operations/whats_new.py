""" "Có gì mới" (what's new): the changelog is ``co-gi-moi.md`` of the user guide (docs/huong-dan/), one
level-2 heading ``## Phiên bản X`` per version, written for văn thư, lãnh đạo and chuyên viên. After an
upgrade to a version that has a section there, every person sees the notice "Có gì mới trong phiên bản X"
on every page until he dismisses it (stored per person, ``WhatsNewSeen``): once dismissed, never again."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import IntegrityError, transaction

from qlvb.core import audit
from qlvb.core.errors import ValidationFailed
from qlvb.directory.models import User

from .guide import guide_dir
from .upgrade_models import UpgradeResult, UpgradeRun, WhatsNewSeen

SLUG = "co-gi-moi"
HEADING_RE = re.compile(r"^##\s+Phiên bản\s+(\S+)", re.MULTILINE)
CACHE_KEY = "qlvb:operations:upgraded-version"
CACHE_SECONDS = 60  # every node shows the notice within a minute of the upgrade


def changelog_versions() -> list[str]:
    """The versions the changelog describes, as written (newest first)."""
    path = guide_dir() / f"{SLUG}.md"
    if not path.is_file():
        return []
    return list(_versions(path, path.stat().st_mtime))


@lru_cache(maxsize=4)
def _versions(path: Path, mtime: float) -> tuple[str, ...]:
    return tuple(HEADING_RE.findall(path.read_text(encoding="utf-8")))


def upgraded_version() -> str:
    """The version the last successful upgrade installed (cached: asked on every page)."""
    version = cache.get(CACHE_KEY)
    if version is None:
        last = UpgradeRun.objects.filter(result=UpgradeResult.DONE).order_by("-finished_at", "-id").first()
        version = last.to_version if last else ""
        cache.set(CACHE_KEY, version, CACHE_SECONDS)
    return str(version)


def upgraded_version_changed() -> None:
    cache.delete(CACHE_KEY)


def whats_new_pending(user: User | AnonymousUser) -> str:
    """The version whose "Có gì mới" notice this person has still to see ("" for none): the version the
    last successful upgrade installed, when the changelog has a section for it."""
    if not user.is_authenticated:
        return ""
    version = upgraded_version()
    if not version or version not in changelog_versions():
        return ""
    if WhatsNewSeen.objects.filter(user_id=user.pk, version=version).exists():
        return ""
    return version


def whats_new_dismiss(*, actor: User, version: str) -> None:
    """The person has seen the notice of ``version``: it does not show again (a second dismissal is a no-op)."""
    if version not in changelog_versions():
        raise ValidationFailed("Không có phiên bản này trong mục Có gì mới.")
    if WhatsNewSeen.objects.filter(user=actor, version=version).exists():
        return
    try:
        with transaction.atomic():
            WhatsNewSeen.objects.create(user=actor, version=version)
            audit.record("operations.whats_new_seen", actor=actor, data={"version": version})
    except IntegrityError:
        return  # dismissed at the same moment from another tab
