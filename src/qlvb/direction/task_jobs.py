"""Celery tasks of the tasks (giao việc): thin wrappers around services."""

from __future__ import annotations

from celery import shared_task

from .task_recurring import tasks_recur


@shared_task(name="qlvb.direction.tasks_recur")
def tasks_recur_job() -> int:
    """Daily (``CELERY_BEAT_SCHEDULE["direction-tasks-recur"]``): the next occurrences of recurring tasks."""
    return tasks_recur()
