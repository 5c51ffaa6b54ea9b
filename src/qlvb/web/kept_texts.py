"""Rendered texts kept per process by a key that decides them (the constant template tags of
``web/templatetags/kept_*.py``): bounded, emptied when full and when a test changes a setting."""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Any

from django.core.signals import setting_changed


class KeptTexts:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._texts: dict[Hashable, str] = {}
        self._lock = threading.Lock()
        setting_changed.connect(self.forget, weak=False)

    def get(self, key: Hashable, render: Callable[[], Any]) -> str:
        """The text kept under ``key``, or ``render()``'s, kept."""
        text = self._texts.get(key)
        if text is None:
            text = str(render())
            with self._lock:
                if len(self._texts) >= self.limit:
                    self._texts.clear()
                self._texts[key] = text
        return text

    def forget(self, **_kwargs: Any) -> None:
        with self._lock:
            self._texts.clear()
