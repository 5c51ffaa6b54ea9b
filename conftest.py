"""Fixtures shared by every app's tests: the demo agency and its people by role."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from qlvb.directory.demo import load_demo
from qlvb.directory.models import User

DEMO_PASSWORD = "LienMinh@2025"  # noqa: S105  (the demo password, README)


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
