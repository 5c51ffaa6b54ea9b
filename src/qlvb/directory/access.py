"""Access to pages: the signed-in user as a ``User``, and views guarded by a declared permission.
Here, below the workflows, so that every app's pages (directory, signing, web, ...) share them.

A view decorated with :func:`permission_required` answers 403 with a Vietnamese page when the user
lacks the permission anywhere; a ``qlvb.core.errors.PermissionDenied`` raised by a service inside the
view (the right exists elsewhere, not for this unit) gives the same page.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from qlvb.core import permissions
from qlvb.core.errors import PermissionDenied
from qlvb.directory.models import User

View = TypeVar("View", bound=Callable[..., HttpResponse])


def current_user(request: HttpRequest) -> User:
    """The signed-in user (views that call this are behind ``login_required``)."""
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        raise PermissionDenied()
    return user


def forbidden(request: HttpRequest, message: str = "") -> HttpResponse:
    return render(request, "web/403.html", {"message": message}, status=403)


def permission_required(name: permissions.Permission | str) -> Callable[[View], View]:
    """Sign-in required, then ``name`` (a declared constant of an app's ``policies.py``) held in some
    unit; refusals of services become a 403 page."""
    perm = name if isinstance(name, permissions.Permission) else permissions.get(name)  # fails at import

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not permissions.has(request.user, perm):
                label = perm.label
                return forbidden(request, _("Bạn không có quyền: %(label)s.") % {"label": label})
            try:
                return view(request, *args, **kwargs)
            except PermissionDenied as exc:
                return forbidden(request, exc.message)

        return cast(View, login_required(wrapped))

    return decorator
