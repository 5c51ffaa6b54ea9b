"""Giving out the parts of a document: kept in :mod:`qlvb.assignments.assigning` (shared with the tasks of
``direction``)."""

from qlvb.assignments.assigning import Target, assignments_create, check_targets, describe

__all__ = ["Target", "assignments_create", "check_targets", "describe"]
