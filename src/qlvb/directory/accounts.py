"""Account names per the seed, Điều 7.2: ``<prefix>_<full name folded>``."""

from __future__ import annotations

from collections.abc import Callable

from qlvb.core.text import fold_compact


def base_username(prefix: str, full_name: str) -> str:
    """``ublienminh`` + ``Trần Thị Lan`` → ``ublienminh_tranthilan`` (Điều 7.2.a)."""
    folded = fold_compact(full_name)
    if not folded:
        raise ValueError("Họ và tên không có ký tự nào dùng được cho tên tài khoản.")
    return f"{prefix}_{folded}" if prefix else folded


def propose_username(prefix: str, full_name: str, *, taken: Callable[[str], bool]) -> str:
    """The first free name: the base name, then ``…2``, ``…3`` (Điều 7.2.b: the administrator may
    replace the proposal with a name of his own)."""
    base = base_username(prefix, full_name)
    if not taken(base):
        return base
    n = 2
    while taken(f"{base}{n}"):
        n += 1
    return f"{base}{n}"
