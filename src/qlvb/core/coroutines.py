"""Run a coroutine to completion from synchronous code, whatever the calling thread is doing.

pyHanko's signing and validation are coroutines. ``asyncio.run`` refuses to start when the calling
thread already runs an event loop (an ASGI worker, Playwright's sync API in a browser test, a
Celery pool with an event loop); there the coroutine runs on a short-lived worker thread instead.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


def run_sync(coro: Coroutine[Any, Any, T]) -> T:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="qlvb-coro") as pool:
        return pool.submit(asyncio.run, coro).result()
