"""The data set while it is generated: its agencies, departments and people (what later rows refer
to), the document being built, the batch of rows waiting to be written, the run's summary, and
``spread`` (a total shared out by weight)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Person:
    id: int
    name: str
    unit_name: str


@dataclass
class Dept:
    id: int
    name: str
    short: str
    leader: Person
    officers: list[Person] = field(default_factory=list)


@dataclass
class Agency:
    id: int
    name: str
    short: str
    organ_id: str
    province: str
    commune: str
    weight: float
    prefix: str = ""  # the agency's account-name prefix
    depts: list[Dept] = field(default_factory=list)
    clerks: list[Person] = field(default_factory=list)
    leaders: list[Person] = field(default_factory=list)
    organs: list[tuple[str, str, str]] = field(default_factory=list)  # issuing organs that write to it


@dataclass
class Summary:
    agencies: int = 0
    departments: int = 0
    users: int = 0
    documents: int = 0
    registers: int = 0
    assignments: int = 0
    events: int = 0
    notifications: int = 0
    updates: int = 0
    tasks: int = 0
    bodies: int = 0
    body_chars: int = 0
    words: int = 0  # the vocabulary of the bodies (SearchWord)
    seconds: float = 0.0


@dataclass
class Batch:
    registers: list[tuple[Any, ...]] = field(default_factory=list)
    documents: list[tuple[Any, ...]] = field(default_factory=list)
    entries: list[tuple[Any, ...]] = field(default_factory=list)  # SearchEntry rows
    assignments: list[tuple[Any, ...]] = field(default_factory=list)
    updates: list[tuple[Any, ...]] = field(default_factory=list)
    events: list[tuple[Any, ...]] = field(default_factory=list)
    notifications: list[tuple[Any, ...]] = field(default_factory=list)

    @property
    def documents_count(self) -> int:
        return len(self.documents)


@dataclass
class Doc:
    """A document while its history is generated."""

    id: int
    agency: Agency
    clerk: Person
    received_at: dt.datetime
    registered_at: dt.datetime | None
    due: dt.date | None
    subject: str
    status: str
    submitted_to: int | None = None
    completed_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None


def spread(total: int, weights: Sequence[float], minimum: int = 0) -> list[int]:
    """Split ``total`` proportionally to ``weights`` (each at least ``minimum``); exact sum."""
    base = [minimum] * len(weights)
    rest = total - minimum * len(weights)
    if rest < 0:
        raise ValueError("too few to give each its minimum")
    s = sum(weights)
    shares = [rest * w / s for w in weights]
    counts = [b + int(x) for b, x in zip(base, shares, strict=True)]
    order = sorted(range(len(weights)), key=lambda i: shares[i] - int(shares[i]), reverse=True)
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts
