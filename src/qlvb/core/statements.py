"""Statements kept compiled across requests (issue 17, "CPU per request").

Django builds a queryset and compiles it to SQL on every request: for the few statements every page runs
(the session, the session's person, his roles, whom he acts for) that is a fifth of a small page's CPU,
though the SQL never changes — only the values do. A :class:`KeptStatement` builds its queryset **once per
process and database**, with stand-in values for its parameters, keeps the SQL and where each parameter
sits in it, and afterwards only binds the values and runs the SQL through the connection's cursor (the
execute wrappers, the query counters of the tests and the metrics see it as any other query). The rows
become model instances, tuples or single values exactly as the queryset would give them: the same
``from_db``, the same ``select_related`` population, the same converters.

The builder's contract: **the SQL may depend only on the declared parameters' values, never on anything
else** (a ``timezone.now()`` inside the builder would be frozen at the first call): whatever varies is a
parameter. ``QLVB_STATEMENTS_CHECK`` (on in the tests, ``conftest.py``) makes every call also build and
compile the queryset with the real values and fail if the SQL or the bound values differ, so the whole
suite checks each builder against that contract.

Parameters are declared with their kind — ``int``, ``str``, ``datetime.date`` or ``datetime.datetime`` —
and bound as Django would bind them for a field of that kind (dates and moments adapted by the backend,
as a ``DateField``/``DateTimeField`` lookup does). Two more kinds let one builder stand for statements of
several shapes (the incoming lists: a box, an order, a page, the person's units):

- :class:`Ids`, a list of ids: its **length** is part of the shape (``IN (%s, %s)`` against ``IN (%s)``,
  and Django leaves an empty ``IN`` out), its values are bound; duplicates are dropped, as Django drops them;
- :class:`Words`, a list of words, each bound as a ``__contains`` lookup binds it (``%word%``); its length
  is part of the shape;
- :class:`Shape`, a value given to the builder as it is (a box's key, an order, a page's offset — Django
  writes ``LIMIT``/``OFFSET`` into the SQL): one compiled statement per value.

Each shape is compiled at its first call and kept (at most ``MAX_SHAPES`` per statement and database). A
parameter need not appear in every shape (the day only in the boxes that compare with it); one that appears
other than as a plain bound value (inside a ``LIKE`` pattern, written into the SQL) is refused. A shape whose
SQL Django finds empty (``IN ()`` alone in the ``WHERE``) gives no rows without a query, as the queryset does.
No ``prefetch_related``: a kept statement is one SQL statement.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.core.signals import setting_changed
from django.db import connections, router
from django.db.models import QuerySet
from django.db.models.query import (
    FlatValuesListIterable,
    ModelIterable,
    ValuesIterable,
    ValuesListIterable,
    get_related_populators,
)

R = TypeVar("R")


class Ids:
    """A parameter's kind: a list of ids, bound value by value; its length chooses the statement's shape."""


class Words:
    """A parameter's kind: a list of words, each bound as the pattern of a ``__contains`` lookup (``%word%``,
    escaped as Django escapes it); its length chooses the statement's shape."""


class Shape:
    """A parameter's kind: a hashable value given to the builder as it is; one statement per value."""


Kind = type[int] | type[str] | type[dt.date] | type[dt.datetime] | type[Ids] | type[Words] | type[Shape]
_LISTS = (Ids, Words)
MAX_SHAPES = 256  # compiled statements kept per kept statement and database (then all compiled again)

# Stand-in values: inside every int column's range, a smallint's included (Django turns an out-of-range
# integer into an empty result), and unlike any constant a builder writes. A list's ids (id columns) are
# larger, unlike any other.
_INT_BASE = 32_100
_IDS_BASE = 1_987_664_000


def _stand_in(kind: Kind, index: int) -> Any:
    if kind is int:
        return _INT_BASE + index
    if kind is str:
        return f"\ue000qlvb-kept-{index}\ue000"
    if kind is dt.datetime:
        return dt.datetime(1901, 2, 3, 4, 5, index % 60, 123_457, tzinfo=dt.UTC)
    if kind is dt.date:
        return dt.date(1901, 2, 1 + index % 28)
    raise TypeError(f"kept statement: unsupported parameter kind {kind!r}")


def _adapter(kind: Kind, alias: str) -> Callable[[Any], Any]:
    """How the backend binds a value of this kind (what a field of that kind does in a lookup)."""
    ops = connections[alias].ops
    if kind is dt.datetime:
        return ops.adapt_datetimefield_value
    if kind is dt.date:
        return ops.adapt_datefield_value
    if kind is Words:
        return lambda value: f"%{ops.prep_for_like_query(value)}%"  # as Django's Contains binds it
    return lambda value: value


_EMPTY = object()  # a shape whose SQL Django finds empty: no rows, no query


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple[Any, ...]  # the stand-ins' slots hold None
    # (position in params, parameter name, index in a list or -1, the int subclass the backend wraps it in:
    # psycopg's Int2 for a smallint column, else None)
    slots: tuple[tuple[int, str, int, Any], ...]
    adapters: dict[str, Callable[[Any], Any]]
    shape: str  # "model", "values_list", "flat", "values"
    col_count: int
    trim: bool  # extra columns (ordering) beyond col_count in each row
    converters: tuple[tuple[int, tuple[Callable[..., Any], ...], Any], ...]
    model: Any = None
    init_list: tuple[str, ...] = ()
    model_slice: tuple[int, int] = (0, 0)
    populators: tuple[Any, ...] = ()
    annotation_cols: tuple[tuple[str, int], ...] = ()
    names: tuple[str, ...] = ()  # values(): the dictionaries' keys

    def bind(self, values: dict[str, Any]) -> list[Any]:
        params = list(self.params)
        for position, name, index, wrap in self.slots:
            value = self.adapters[name](values[name] if index < 0 else values[name][index])
            params[position] = value if wrap is None else wrap(value)
        return params


class KeptStatement(Generic[R]):
    """``build(**parameters)`` → a queryset, compiled once per database; :meth:`fetch` binds and runs it.

    ``KeptStatement("users.by_id", lambda user_id: User.objects.filter(pk=user_id), user_id=int)``
    """

    _all: list[KeptStatement[Any]] = []

    def __init__(self, name: str, build: Callable[..., QuerySet[Any]], /, **kinds: Kind) -> None:
        self.name = name
        self.build = build
        self.kinds = kinds
        self.model: Any = None
        self._shaping = tuple(name for name, kind in kinds.items() if kind is Shape or kind in _LISTS)
        self._compiled: dict[tuple[Any, ...], Any] = {}
        self._lock = threading.Lock()
        KeptStatement._all.append(self)

    def fetch(self, *, via: Any = None, **values: Any) -> list[R]:
        """The rows for these values, as the queryset would give them (model instances, tuples, values).
        ``via``: the instance a related manager would have started from (``user.role_assignments``), for
        the database router's choice, as the manager gives it."""
        if set(values) != set(self.kinds):
            raise TypeError(f"{self.name}: parameters {sorted(self.kinds)}, given {sorted(values)}")
        for name in self._shaping:
            if self.kinds[name] is Ids:  # as Django's IN: each id once, in the order given
                values[name] = tuple(dict.fromkeys(values[name]))
            elif self.kinds[name] is Words:
                values[name] = tuple(values[name])
        hints = {} if via is None else {"instance": via}
        alias = router.db_for_read(self._model(values), **hints)
        key = (alias, *(values[n] if self.kinds[n] is Shape else len(values[n]) for n in self._shaping))
        compiled = self._compiled.get(key) or self._compile(key, alias, values)
        if compiled is _EMPTY:
            if getattr(settings, "QLVB_STATEMENTS_CHECK", False):
                self._check_empty(alias, values)
            return []
        params = compiled.bind(values)
        if getattr(settings, "QLVB_STATEMENTS_CHECK", False):
            self._check(alias, compiled, params, values)
        connection = connections[alias]
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows: Sequence[Any] = cursor.fetchall()
        return _materialize(compiled, rows, alias)

    def first(self, *, via: Any = None, **values: Any) -> R | None:
        found = self.fetch(via=via, **values)
        return found[0] if found else None

    # --- compiling ---------------------------------------------------------------------------------

    def _model(self, values: dict[str, Any]) -> Any:
        if self.model is None:
            self.model = self.build(**self._stand_ins(values)).model
        return self.model

    def _stand_ins(self, values: dict[str, Any]) -> dict[str, Any]:
        """Stand-ins for the bound values; a shape's own value, and a list of distinct ids of the list's length."""
        found: dict[str, Any] = {}
        next_id = _IDS_BASE
        for index, (name, kind) in enumerate(self.kinds.items()):
            if kind is Shape:
                found[name] = values[name]
            elif kind is Ids:
                found[name] = tuple(range(next_id, next_id + len(values[name])))
                next_id += len(values[name])
            elif kind is Words:
                found[name] = tuple(f"\ue000qlvb-kept-{index}-{i}\ue000" for i in range(len(values[name])))
            else:
                found[name] = _stand_in(kind, index)
        return found

    def _compile(self, key: tuple[Any, ...], alias: str, values: dict[str, Any]) -> Any:
        stand_ins = self._stand_ins(values)
        queryset = self.build(**stand_ins)
        if queryset._prefetch_related_lookups or queryset._known_related_objects:  # type: ignore[attr-defined]
            raise ValueError(f"{self.name}: a kept statement is one statement (no prefetch_related)")
        compiler = queryset.query.get_compiler(using=alias)
        try:
            sql, raw_params = compiler.as_sql()
        except EmptyResultSet:
            return self._keep(key, _EMPTY)
        adapters = {name: _adapter(kind, alias) for name, kind in self.kinds.items() if kind is not Shape}
        params, slots = self._slots(sql, raw_params, stand_ins, adapters)
        col_count = compiler.col_count
        fields = [s[0] for s in compiler.select[0:col_count]]
        converters = tuple((pos, tuple(convs), expr) for pos, (convs, expr) in compiler.get_converters(fields).items())
        iterable = queryset._iterable_class
        common: dict[str, Any] = {
            "sql": sql,
            "params": tuple(params),
            "slots": tuple(slots),
            "adapters": adapters,
            "col_count": col_count,
            "trim": bool(compiler.has_extra_select),
            "converters": converters,
        }
        if iterable is ModelIterable:
            klass_info, select = compiler.klass_info, compiler.select
            fields_at = klass_info["select_fields"]
            start, end = fields_at[0], fields_at[-1] + 1
            compiled = _Compiled(
                shape="model",
                model=klass_info["model"],
                init_list=tuple(f[0].target.attname for f in select[start:end]),
                model_slice=(start, end),
                populators=tuple(get_related_populators(klass_info, select, alias)),  # type: ignore[call-arg]  # (5.2's)
                annotation_cols=tuple((compiler.annotation_col_map or {}).items()),
                **common,
            )
        elif iterable is ValuesListIterable:
            compiled = _Compiled(shape="values_list", **common)
        elif iterable is FlatValuesListIterable:
            compiled = _Compiled(shape="flat", **common)
        elif iterable is ValuesIterable:
            query = queryset.query
            names = (*query.extra_select, *query.values_select, *query.annotation_select)
            compiled = _Compiled(shape="values", names=names, **common)
        else:
            raise ValueError(f"{self.name}: rows of kind {iterable.__name__} are not supported")
        return self._keep(key, compiled)

    def _slots(
        self, sql: str, raw_params: Sequence[Any], stand_ins: dict[str, Any], adapters: dict[str, Callable[[Any], Any]]
    ) -> tuple[list[Any], list[tuple[int, str, int, Any]]]:
        """The statement's parameters with each stand-in's place left empty, and those places."""
        expected: dict[tuple[str, int], Any] = {}
        for name, kind in self.kinds.items():
            if kind in _LISTS:
                expected.update(((name, i), adapters[name](value)) for i, value in enumerate(stand_ins[name]))
            elif kind is not Shape:
                expected[(name, -1)] = adapters[name](stand_ins[name])
        params: list[Any] = list(raw_params)
        slots: list[tuple[int, str, int, Any]] = []
        for position, value in enumerate(raw_params):
            for (name, index), stand_in in expected.items():
                if type(value) is type(stand_in) and value == stand_in:
                    slots.append((position, name, index, None))
                    params[position] = None
                elif type(stand_in) is int and isinstance(value, int) and value == stand_in:
                    slots.append((position, name, index, type(value)))  # the backend's own int (Int2)
                    params[position] = None
        # a stand-in anywhere else (written into the SQL, inside a LIKE pattern) could not be bound
        leaked = [
            name
            for (name, _index), stand_in in expected.items()
            if str(stand_in) in sql or any(isinstance(p, str) and str(stand_in) in p for p in params)
        ]
        if leaked:
            raise ValueError(f"{self.name}: parameters {sorted(set(leaked))} are not plain values in the SQL")
        return params, slots

    def _keep(self, key: tuple[Any, ...], compiled: Any) -> Any:
        with self._lock:
            if len(self._compiled) >= MAX_SHAPES:
                self._compiled.clear()
            self._compiled[key] = compiled
        return compiled

    def _check(self, alias: str, compiled: _Compiled, params: list[Any], values: dict[str, Any]) -> None:
        """The contract, checked: the queryset built with these values compiles to the same statement."""
        fresh_sql, fresh_params = self.build(**values).query.get_compiler(using=alias).as_sql()
        if fresh_sql != compiled.sql or list(fresh_params) != params:
            raise AssertionError(
                f"kept statement {self.name}: the builder's SQL depends on more than its parameters\n"
                f"kept:  {compiled.sql} {params}\nfresh: {fresh_sql} {list(fresh_params)}"
            )

    def _check_empty(self, alias: str, values: dict[str, Any]) -> None:
        try:
            fresh_sql, _params = self.build(**values).query.get_compiler(using=alias).as_sql()
        except EmptyResultSet:
            return
        raise AssertionError(f"kept statement {self.name}: kept as empty, but compiles afresh to {fresh_sql}")


def _materialize(compiled: _Compiled, rows: Sequence[Any], alias: str) -> list[Any]:
    if compiled.trim:
        rows = [row[: compiled.col_count] for row in rows]
    if compiled.converters:
        connection = connections[alias]
        converted = []
        for row in rows:
            values = list(row)
            for position, converters, expression in compiled.converters:
                value = values[position]
                for converter in converters:
                    value = converter(value, expression, connection)
                values[position] = value
            converted.append(values)
        rows = converted
    if compiled.shape == "flat":
        return [row[0] for row in rows]
    if compiled.shape == "values_list":
        return [tuple(row) for row in rows]
    if compiled.shape == "values":
        return [dict(zip(compiled.names, row, strict=True)) for row in rows]
    start, end = compiled.model_slice
    objects = []
    for row in rows:
        obj = compiled.model.from_db(alias, compiled.init_list, row[start:end])
        for populator in compiled.populators:
            populator.populate(row, obj)
        for attr, position in compiled.annotation_cols:
            setattr(obj, attr, row[position])
        objects.append(obj)
    return objects


class KeptPages(Generic[R]):
    """A kept statement's rows for a ``Paginator``: its count (known — a tab's, kept per person — or read once
    by ``counted``) and each page read by ``statement`` with ``values`` and the page's ``offset`` and
    ``limit`` (both :class:`Shape` parameters of the builder, which slices its queryset with them)."""

    def __init__(
        self, statement: KeptStatement[R], values: dict[str, Any], *, count: int | None, counted: Callable[[], int]
    ) -> None:
        self._statement = statement
        self._values = values
        self._count = count
        self._counted = counted

    def count(self) -> int:
        if self._count is None:
            self._count = self._counted()
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, part: slice) -> list[R]:
        start = part.start or 0
        if part.stop - start <= 0:  # an empty page (no rows at all): nothing to ask
            return []
        return self._statement.fetch(**self._values, offset=start, limit=part.stop - start)


def kept_prefetch(instances: Sequence[Any], related: str, statement: KeptStatement[Any]) -> None:
    """What ``prefetch_related(related)`` does for a reverse foreign key (``assignment.reminders``), with the
    related rows read by ``statement`` — built as ``Related.objects.filter(<key>__in=ids)`` in the related
    manager's own order, its one parameter ``ids`` an :class:`Ids`: afterwards each instance's manager answers
    ``.all()`` from those rows, and each row knows its instance, without a query."""
    if not instances:
        return
    field = getattr(type(instances[0]), related).field  # the foreign key on the related model
    rows = statement.fetch(ids=[instance.pk for instance in instances])
    found: dict[Any, list[Any]] = {}
    for row in rows:
        found.setdefault(getattr(row, field.attname), []).append(row)
    for instance in instances:
        mine = found.get(instance.pk, [])
        for row in mine:
            field.set_cached_value(row, instance)
        queryset = field.model._default_manager.get_queryset()
        queryset._result_cache = mine
        queryset._prefetch_done = True
        instance.__dict__.setdefault("_prefetched_objects_cache", {})[field.remote_field.cache_name] = queryset


def forget_all(**_kwargs: Any) -> None:
    """Compile every kept statement again at its next call (a test changed a setting)."""
    for statement in KeptStatement._all:
        with statement._lock:
            statement._compiled.clear()


setting_changed.connect(forget_all)
