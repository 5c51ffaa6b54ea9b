"""The data set's Vietnamese text: people's names, documents' subjects by type, and the cached fold of
the phrases they are built from."""

from __future__ import annotations

import datetime as dt
import random
from functools import lru_cache

from qlvb.core.text import fold

from . import vocabulary as V  # noqa: N812
from .records import Agency


@lru_cache(maxsize=65536)
def fold_cached(text: str) -> str:
    """``fold`` of a phrase, cached: documents are built from a few thousand phrases."""
    return fold(text)


def person_name(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return f"{rng.choice(V.SURNAMES)} {rng.choice(V.MIDDLE_MALE)} {rng.choice(V.GIVEN_MALE)}"
    return f"{rng.choice(V.SURNAMES)} {rng.choice(V.MIDDLE_FEMALE)} {rng.choice(V.GIVEN_FEMALE)}"


def subject_make(rng: random.Random, type_name: str, when: dt.datetime, agency: Agency) -> str:
    y = when.year
    topic = rng.choice(V.TOPICS).format(y=y, y1=y + 1, n=rng.randint(1, 40))
    place = rng.choice(V.PLACES).format(p=agency.province, c=agency.commune)
    tail = f" {place}" if place else ""
    if type_name == "Quyết định":
        return f"Quyết định về việc {rng.choice(V.ACTIONS)} {topic}{tail}"
    if type_name == "Công văn":
        r = rng.random()
        if r < 0.3:
            return f"Công văn V/v triển khai Quyết định số {rng.randint(1, 3000)}/QĐ-UBND về {topic}{tail}"
        return f"Công văn V/v {rng.choice(V.ACTIONS)} {topic}{tail}"
    if type_name == "Báo cáo":
        period = rng.choice(V.PERIODS).format(m=when.month, q=(when.month - 1) // 3 + 1, y=y)
        return f"Báo cáo {rng.choice(V.REPORT_TOPICS).format(period=period)}{tail}"
    if type_name == "Giấy mời":
        return f"Giấy mời {rng.choice(V.MEETINGS).format(t=topic)}"
    return f"{type_name} {rng.choice(V.ACTIONS)} {topic}{tail}"
