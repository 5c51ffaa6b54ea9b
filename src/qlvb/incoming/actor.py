"""The signed-in user of an incoming page or API call, typed as a ``User`` for the services.

(The same rule as ``web.access.current_user``, which a workflow may not import: the lead folds the two
into one below the workflows when that helper moves down.)"""

from __future__ import annotations

from django.http import HttpRequest

from qlvb.core.errors import PermissionDenied
from qlvb.directory.models import Unit, User


def actor_of(request: HttpRequest) -> User:
    """The signed-in user (pages behind ``login_required``, API calls behind the API's authentication)."""
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        raise PermissionDenied()
    return user


def user_agency(user: User) -> Unit | None:
    """The agency of the user's unit (the lead swaps it for ``directory.selectors.agency_of`` when it lands)."""
    unit = user.unit
    return unit.agency if unit is not None else None
