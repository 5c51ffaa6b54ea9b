"""Which backups to keep: the newest of each of the last 7 days, 4 ISO weeks and 12 months that have a
backup (``QLVB_BACKUP_KEEP``), the newest backup always. Pure over the backups' names (their UTC time)."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable, Hashable, Sequence
from pathlib import Path

from .backup import NAME_FORMAT, PREFIX, backups_list, dest_locked


def backup_time(name: str) -> dt.datetime | None:
    try:
        return dt.datetime.strptime(name.removeprefix(PREFIX), NAME_FORMAT).replace(tzinfo=dt.UTC)
    except ValueError:
        return None


def _newest_per(times: Sequence[dt.datetime], key: Callable[[dt.datetime], Hashable], count: int) -> set[dt.datetime]:
    newest: dict[Hashable, dt.datetime] = {}
    for when in sorted(times, reverse=True):
        newest.setdefault(key(when), when)
        if len(newest) > count:
            newest.pop(key(when))
            break
    return set(newest.values())


def backups_to_keep(names: Sequence[str], daily: int = 7, weekly: int = 4, monthly: int = 12) -> set[str]:
    timed = {name: when for name in names if (when := backup_time(name)) is not None}
    times = sorted(timed.values())
    if not times:
        return set()
    kept = {times[-1]}
    kept |= _newest_per(times, lambda t: t.date(), daily)
    kept |= _newest_per(times, lambda t: t.isocalendar()[:2], weekly)
    kept |= _newest_per(times, lambda t: (t.year, t.month), monthly)
    return {name for name, when in timed.items() if when in kept}


def backups_prune(dest: Path, keep: Sequence[int]) -> list[str]:
    """Delete the complete backups the policy does not keep; returns their names."""
    with dest_locked(dest):
        names = [path.name for path in backups_list(dest)]
        daily, weekly, monthly = (list(keep) + [7, 4, 12][len(keep) :])[:3]
        kept = backups_to_keep(names, daily, weekly, monthly)
        removed = [name for name in names if name not in kept]
        for name in removed:
            shutil.rmtree(dest / name)
    return removed
