"""Task events to the modules above that act on them (webhooks of connected systems), as document events
do (``documents.events``): the consumers are named in ``settings.QLVB_TASK_EVENT_CONSUMERS`` (dotted paths
of ``consumer(event: TaskEvent) -> None``, loaded once); after the commit that recorded a wanted event the
Celery task ``qlvb.direction.dispatch_task_event`` calls each in its own transaction. A rolled-back action
queues nothing; consumers are idempotent (the task may run twice)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import lru_cache
from typing import cast

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

from .task_models import TaskEvent

logger = logging.getLogger(__name__)

DISPATCHED = ("created", "completed")  # the task events another module may act on

TaskEventConsumer = Callable[[TaskEvent], None]


@lru_cache(maxsize=8)
def _load(paths: tuple[str, ...]) -> tuple[TaskEventConsumer, ...]:
    return tuple(cast(TaskEventConsumer, import_string(p)) for p in paths)


def task_consumers() -> tuple[TaskEventConsumer, ...]:
    return _load(tuple(getattr(settings, "QLVB_TASK_EVENT_CONSUMERS", ())))


def task_event_queue(event: TaskEvent) -> None:
    """Queue the dispatch of ``event`` after the commit (nothing when nobody listens)."""
    if event.action in DISPATCHED and task_consumers():
        event_id = event.pk
        transaction.on_commit(lambda: dispatch_task_event.delay(event_id))


def task_event_dispatch(event_id: int) -> int:
    event = TaskEvent.objects.select_related("task").filter(pk=event_id).first()
    if event is None:
        return 0
    ran, failure = 0, None
    for func in task_consumers():
        try:
            with transaction.atomic():
                func(event)
            ran += 1
        except Exception as exc:  # one consumer's failure must not silence the others
            logger.exception("task event %s: consumer %r failed", event_id, func)
            failure = failure or exc
    if failure is not None:
        raise failure
    return ran


@shared_task(name="qlvb.direction.dispatch_task_event")
def dispatch_task_event(event_id: int) -> int:
    return task_event_dispatch(event_id)
