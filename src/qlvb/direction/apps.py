from __future__ import annotations

from django.apps import AppConfig


class DirectionConfig(AppConfig):
    """Điều hành (layer 5, docs/architecture.md): tasks not started by a document, the work calendar,
    announcements."""

    name = "qlvb.direction"
    label = "direction"
    verbose_name = "Điều hành"

    def ready(self) -> None:
        from qlvb.assignments.workflows import workflow_register
        from qlvb.files.policies import content_access_register

        from . import announcements, calendar_audit, calendar_policies, calendar_services, task_jobs, task_policies  # noqa: F401  (declares)  # noqa: F401  (declares the task permissions, the beat job)
        from .task_selectors import may_open_task_file
        from .task_workflow import TaskWorkflow

        # a task's parts are assignments without a document: their history and completion are the task's
        workflow_register("task", TaskWorkflow())
        content_access_register(may_open_task_file)
