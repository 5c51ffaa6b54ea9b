"""Translatable labels for names the lower layers keep as plain Vietnamese strings.

``core.permissions.ROLES`` and the audit actions (``core.audit.ACTIONS``, declared by each app with
``audit_actions_declare``) hold Vietnamese labels without gettext (the services and the API show them
as they are). Each label is marked with ``gettext_noop`` where it is declared (roles in
``core.role_labels``, actions in each app's ``audit_actions.py``) so ``makemessages`` finds it;
:func:`role_label` / :func:`action_label` look it up in the active language.
"""

from __future__ import annotations

from django.utils.translation import gettext

from qlvb.core.audit import ACTIONS
from qlvb.core.role_labels import role_choices, role_label

__all__ = ["action_choices", "action_label", "role_choices", "role_label"]


def action_label(action: str) -> str:
    label = ACTIONS.get(action)
    return gettext(label) if label else action


def action_choices() -> list[tuple[str, str]]:
    return sorted(((code, action_label(code)) for code in ACTIONS), key=lambda item: item[1])
