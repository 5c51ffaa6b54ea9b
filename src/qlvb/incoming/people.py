"""Who holds a role where: kept in :mod:`qlvb.directory.people` (shared by every workflow)."""

from qlvb.directory.people import (
    clerks_of,
    departments_of,
    dept_leaders_of,
    holders,
    leaders_of,
    members_of,
)

__all__ = ["clerks_of", "departments_of", "dept_leaders_of", "holders", "leaders_of", "members_of"]
