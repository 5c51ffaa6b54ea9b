"""The direction app's models, one module per subject, gathered here for Django."""

from __future__ import annotations

from .announcement_models import Announcement, AnnouncementRead  # noqa: F401
from .calendar_models import CalendarEvent, EventChange, FeedToken, MeetingRoom  # noqa: F401
from .task_models import Task, TaskEvent, TaskFile, TaskPart  # noqa: F401
