"""What the handling of an assignment needs from the workflow that gave it out.

The handling itself (progress, completion, acceptance, extensions, reminders: ``handling.py``,
``followup.py``) does not depend on what started the work. A document's parts (``incoming``) and a task's
parts (``direction``) differ in where the history is written, what the lead's finished part completes, and
who (beyond whoever assigned it) may follow it up. Each workflow registers one :class:`Workflow` at start-up
(``AppConfig.ready``) under the kind :func:`kind_of` gives its rows: ``"document"`` for a row with a
document, ``"task"`` for a row without one. Layer 4 never imports the workflows above it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from qlvb.directory.models import User

    from .models import Assignment


class Workflow(Protocol):
    def record(self, assignment: Assignment, *, actor: User, action: str, text: str, data: dict[str, Any]) -> None:
        """Write one step of the handling into the history of what started the work."""

    def finished(self, assignment: Assignment) -> bool:
        """Whether what started the work is finished already (nothing more is handled on it)."""

    def needs_acceptance(self, top: Assignment, *, actor: User) -> bool:
        """Whether the lead's top part, completed by ``actor``, waits for whoever assigned it to accept it."""

    def top_done(self, assignment: Assignment, *, actor: User, result: str) -> None:
        """The lead's top part is done (and accepted where needed): finish what started the work."""

    def can_assign_in(self, actor: User, assignment: Assignment) -> bool:
        """Whether ``actor`` leads the unit a unit's part was given to (he assigns it inside)."""

    def can_follow(self, actor: User, assignment: Assignment) -> bool:
        """Whether ``actor`` follows the part up beyond whoever assigned it: accepts or returns the result,
        decides extensions."""

    def can_remind(self, actor: User, assignment: Assignment) -> bool:
        """Whether ``actor`` may send a reminder (đôn đốc) beyond whoever assigned it."""


class _Plain:
    """The rules when no workflow registered the kind: only whoever assigned the part follows it up, and
    nothing is written beyond the assignment rows."""

    def record(self, assignment: Assignment, *, actor: User, action: str, text: str, data: dict[str, Any]) -> None:
        return None

    def finished(self, assignment: Assignment) -> bool:
        return False

    def needs_acceptance(self, top: Assignment, *, actor: User) -> bool:
        return top.assigned_by_id not in (top.user_id, actor.pk)

    def top_done(self, assignment: Assignment, *, actor: User, result: str) -> None:
        return None

    def can_assign_in(self, actor: User, assignment: Assignment) -> bool:
        return False

    def can_follow(self, actor: User, assignment: Assignment) -> bool:
        return False

    def can_remind(self, actor: User, assignment: Assignment) -> bool:
        return False


_WORKFLOWS: dict[str, Workflow] = {}
PLAIN: Workflow = _Plain()


def workflow_register(kind: str, workflow: Workflow) -> None:
    _WORKFLOWS[kind] = workflow


def kind_of(assignment: Assignment) -> str:
    return "document" if assignment.document_id is not None else "task"


def workflow_of(assignment: Assignment) -> Workflow:
    return _WORKFLOWS.get(kind_of(assignment), PLAIN)
