"""Who must see new counts after a write (``core/person_counts.py``, issue 17): every person whose boxes,
badges or "Việc chờ tôi" the write may change, renewed at once and again after commit.

For a document (every action on one records a ``DocumentEvent``): the clerks and leaders of its agency
(to register, returned, to direct, overdue, the outgoing clerk's box), everyone on its assignments — the
person, the one who gave it, the department leaders of its department (to handle, for information, to
accept, to assign) —, the leader it was submitted to, the drafter, the signer and everyone on the approval
chain of its outgoing side (to approve, to sign, returned drafts), and the delegates of all of them (who
see the boxes of the leader they act for). For a task: the people on its parts and their departments'
leaders, and its creator. A notification: its person. A role or a delegation: the people it names.

The rows are read again after commit, so a person who joins the document in a later write of the same
transaction is included; a person who *leaves* a row (handed over to a successor) is taken from the row
before it is written (``pre_save``) or named by the function that moves him in bulk."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any

from django.db import connection
from django.db.models import Q
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from qlvb.assignments.models import Assignment, Notification
from qlvb.core.person_counts import enabled, people_changed
from qlvb.direction.task_models import Task
from qlvb.directory.delegation_models import Delegation
from qlvb.directory.models import RoleAssignment
from qlvb.documents.models import Document, DocumentEvent
from qlvb.outgoing.models import ApprovalStep, Outgoing

AGENCY_WIDE = ("clerk", "leader")
PERSON_FIELDS = {"user", "user_id", "assigned_by", "assigned_by_id", "unit", "unit_id"}


def _with_delegates(people: set[int | None]) -> set[int]:
    found = {p for p in people if p is not None}
    if found:
        found.update(Delegation.objects.filter(grantor_id__in=found).values_list("delegate_id", flat=True))
    return found


def _dept_leaders(unit_ids: Any) -> Iterable[int]:
    return RoleAssignment.objects.filter(role="dept_leader", unit_id__in=unit_ids).values_list("user_id", flat=True)


@functools.cache
def _document_people_sql() -> str:
    """One statement for :func:`document_people` (it runs at every save of a document's rows, ~7 times for one
    registration: as seven ORM queries it was half the CPU of that POST)."""
    t = {m.__name__: m._meta.db_table for m in (Document, RoleAssignment, Assignment, Outgoing, ApprovalStep)}
    t["Delegation"] = Delegation._meta.db_table
    roles = ", ".join(f"'{r}'" for r in AGENCY_WIDE)
    # table names from the models, roles from a constant; the document's id is a parameter
    return f"""
WITH people(id) AS (
  SELECT submitted_to_id FROM {t["Document"]} WHERE id = %(d)s
  UNION SELECT r.user_id FROM {t["RoleAssignment"]} r JOIN {t["Document"]} d ON r.unit_id = d.agency_id
        WHERE d.id = %(d)s AND r.role IN ({roles})
  UNION SELECT user_id FROM {t["Assignment"]} WHERE document_id = %(d)s
  UNION SELECT assigned_by_id FROM {t["Assignment"]} WHERE document_id = %(d)s
  UNION SELECT r.user_id FROM {t["RoleAssignment"]} r
        WHERE r.role = 'dept_leader' AND r.unit_id IN (SELECT unit_id FROM {t["Assignment"]} WHERE document_id = %(d)s)
  UNION SELECT drafter_id FROM {t["Outgoing"]} WHERE document_id = %(d)s
  UNION SELECT signer_id FROM {t["Outgoing"]} WHERE document_id = %(d)s
  UNION SELECT user_id FROM {t["ApprovalStep"]} WHERE outgoing_id = %(d)s
  UNION SELECT decided_by_id FROM {t["ApprovalStep"]} WHERE outgoing_id = %(d)s
)
SELECT id FROM people WHERE id IS NOT NULL
UNION SELECT delegate_id FROM {t["Delegation"]} WHERE grantor_id IN (SELECT id FROM people WHERE id IS NOT NULL)
"""  # noqa: S608


def document_people(document_id: int) -> set[int]:
    """Everyone whose counts the document takes part in (see the module's text), delegates included. An
    outgoing document shares its primary key with its ``Outgoing`` row: its steps' ``outgoing_id`` is it."""
    with connection.cursor() as cursor:
        cursor.execute(_document_people_sql(), {"d": document_id})
        return {row[0] for row in cursor.fetchall()}


def task_people(task_id: int) -> set[int]:
    people: set[int | None] = set(Task.objects.filter(pk=task_id).values_list("created_by_id", flat=True))
    parts = Assignment.objects.filter(Q(task_part__task_id=task_id) | Q(parent__task_part__task_id=task_id))
    for user_id, by_id in parts.values_list("user_id", "assigned_by_id"):
        people.update((user_id, by_id))
    people.update(_dept_leaders(parts.values("unit_id")))
    return _with_delegates(people)


def _document(document_id: int | None) -> dict[str, Any]:
    if document_id is None:
        return {}
    resolve: Callable[[], set[int]] = lambda: document_people(document_id)  # noqa: E731
    return {"resolve": resolve, "key": ("document", document_id)}


@receiver(post_save, sender=DocumentEvent, dispatch_uid="counts_event_saved")
def _event_saved(sender: type, instance: DocumentEvent, **kwargs: Any) -> None:
    if enabled():
        people_changed([instance.actor_id], **_document(instance.document_id))


@receiver(post_save, sender=Document, dispatch_uid="counts_document_saved")
def _document_saved(sender: type, instance: Document, **kwargs: Any) -> None:
    if enabled():
        people_changed([], **_document(instance.pk))


def _assignment_people(a: Assignment) -> set[int]:
    people: set[int | None] = {a.user_id, a.assigned_by_id, a.accepted_by_id}
    if a.unit_id is not None:
        people.update(_dept_leaders([a.unit_id]))
    return _with_delegates(people)


def _previous(sender: type, instance: Any, update_fields: Any, fields: tuple[str, ...]) -> list[int | None]:
    """The people a row named before this save, when the save may change them."""
    if instance.pk is None or (update_fields is not None and not PERSON_FIELDS & set(update_fields)):
        return []
    row = sender.objects.filter(pk=instance.pk).values(*fields).first()  # type: ignore[attr-defined]
    return list(row.values()) if row else []


@receiver(pre_save, sender=Assignment, dispatch_uid="counts_assignment_moving")
def _assignment_moving(sender: type, instance: Assignment, update_fields: Any = None, **kwargs: Any) -> None:
    if enabled():
        before = _previous(sender, instance, update_fields, ("user_id", "assigned_by_id", "unit_id"))
        if before:
            unit_id = before.pop()
            people_changed([*before, *(_dept_leaders([unit_id]) if unit_id else [])])


@receiver(post_save, sender=Assignment, dispatch_uid="counts_assignment_saved")
def _assignment_saved(sender: type, instance: Assignment, **kwargs: Any) -> None:
    if not enabled():
        return
    if instance.document_id is not None:
        people_changed(_assignment_people(instance), **_document(instance.document_id))
        return
    task_id = Task.objects.filter(
        Q(parts__assignment_id=instance.pk) | Q(parts__assignment_id=instance.parent_id)
    ).values_list("pk", flat=True)
    found = list(task_id[:1])
    if found:
        people_changed(_assignment_people(instance), resolve=lambda: task_people(found[0]), key=("task", found[0]))
    else:
        people_changed(_assignment_people(instance))


@receiver(post_save, sender=Task, dispatch_uid="counts_task_saved")
def _task_saved(sender: type, instance: Task, **kwargs: Any) -> None:
    if enabled():
        task_id = instance.pk
        people_changed([instance.created_by_id], resolve=lambda: task_people(task_id), key=("task", task_id))


@receiver(pre_save, sender=ApprovalStep, dispatch_uid="counts_step_moving")
def _step_moving(sender: type, instance: ApprovalStep, update_fields: Any = None, **kwargs: Any) -> None:
    if enabled():
        people_changed(_previous(sender, instance, update_fields, ("user_id",)))


@receiver(post_save, sender=ApprovalStep, dispatch_uid="counts_step_saved")
def _step_saved(sender: type, instance: ApprovalStep, **kwargs: Any) -> None:
    if enabled():
        document_id = Outgoing.objects.filter(pk=instance.outgoing_id).values_list("document_id", flat=True).first()
        people_changed(_with_delegates({instance.user_id, instance.decided_by_id}), **_document(document_id))


@receiver(post_save, sender=Outgoing, dispatch_uid="counts_outgoing_saved")
def _outgoing_saved(sender: type, instance: Outgoing, **kwargs: Any) -> None:
    if enabled():
        people_changed([instance.drafter_id, instance.signer_id], **_document(instance.document_id))


@receiver(post_save, sender=Notification, dispatch_uid="counts_notification_saved")
@receiver(post_delete, sender=Notification, dispatch_uid="counts_notification_deleted")
def _notification_changed(sender: type, instance: Notification, **kwargs: Any) -> None:
    people_changed([instance.user_id])


@receiver(post_save, sender=RoleAssignment, dispatch_uid="counts_role_saved")
@receiver(post_delete, sender=RoleAssignment, dispatch_uid="counts_role_deleted")
def _role_changed(sender: type, instance: RoleAssignment, **kwargs: Any) -> None:
    people_changed([instance.user_id])


@receiver(post_save, sender=Delegation, dispatch_uid="counts_delegation_saved")
@receiver(post_delete, sender=Delegation, dispatch_uid="counts_delegation_deleted")
def _delegation_changed(sender: type, instance: Delegation, **kwargs: Any) -> None:
    people_changed([instance.grantor_id, instance.delegate_id])
