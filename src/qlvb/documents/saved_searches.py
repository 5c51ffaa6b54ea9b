"""Saved searches: a person keeps a search (its words, filters and order, as the query string of the
results page) under a name of his own, and opens it again from the search page or the API. Personal:
nobody else reads or changes them; what a saved search finds is still what its owner may see when he
runs it."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.db import models, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from qlvb.core.errors import Conflict, NotFound, ValidationFailed
from qlvb.core.text import text_clean

from .errors import ErrorCode

if TYPE_CHECKING:
    from qlvb.directory.models import User

MAX_PER_USER = 50
NAME_LIMIT = 100
PARAMS_LIMIT = 2000


class SavedSearch(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches")
    name = models.CharField(_("tên"), max_length=NAME_LIMIT)
    params = models.CharField(_("điều kiện tìm"), max_length=PARAMS_LIMIT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tìm kiếm đã lưu")
        verbose_name_plural = _("tìm kiếm đã lưu")
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="saved_search_name_unique")]

    def __str__(self) -> str:
        return self.name


def _params_clean(params: dict[str, str]) -> str:
    kept = [(k, v) for k, v in params.items() if k != "page" and v not in ("", None)]
    encoded = urlencode(kept)
    if len(encoded) > PARAMS_LIMIT:
        raise ValidationFailed(gettext("Điều kiện tìm kiếm quá dài để lưu."))
    if "\x00" in encoded:
        raise ValidationFailed(gettext("Điều kiện tìm kiếm có ký tự không hợp lệ."))
    return encoded


@transaction.atomic
def saved_search_create(*, actor: User, name: str, params: dict[str, str]) -> SavedSearch:
    """Keep ``params`` (the search page's query parameters) under ``name`` for ``actor``."""
    name = text_clean(name, label=gettext("tên tìm kiếm"), limit=NAME_LIMIT, required=True)
    encoded = _params_clean(params)
    mine = SavedSearch.objects.select_for_update().filter(user_id=actor.pk)
    if mine.filter(name=name).exists():
        raise Conflict(
            gettext("Bạn đã có một tìm kiếm tên «%(name)s».") % {"name": name}, code=ErrorCode.SAVED_SEARCH_EXISTS
        )
    if mine.count() >= MAX_PER_USER:
        raise ValidationFailed(
            gettext("Mỗi người lưu tối đa %(n)d tìm kiếm; hãy xóa bớt.") % {"n": MAX_PER_USER},
            code=ErrorCode.SAVED_SEARCHES_FULL,
        )
    return SavedSearch.objects.create(user=actor, name=name, params=encoded)


def saved_search_delete(*, actor: User, pk: int) -> None:
    deleted, _ = SavedSearch.objects.filter(user_id=actor.pk, pk=pk).delete()
    if not deleted:
        raise NotFound()


def saved_searches_of(actor: User) -> QuerySet[SavedSearch]:
    return SavedSearch.objects.filter(user_id=actor.pk)


def saved_search_params(saved: SavedSearch) -> dict[str, str]:
    return dict(parse_qsl(saved.params))
