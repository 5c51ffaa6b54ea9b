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
as a ``DateField``/``DateTimeField`` lookup does). No ``prefetch_related``: a kept statement is one SQL
statement.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.conf import settings
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
Kind = type[int] | type[str] | type[dt.date] | type[dt.datetime]

# Stand-in values: inside an int column's range (Django turns an out-of-range integer into an empty
# result), and unlike any constant a builder writes.
_INT_BASE = 1_987_654_000


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
    return lambda value: value


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple[Any, ...]  # the stand-ins' slots hold None
    slots: tuple[tuple[int, str], ...]  # (position in params, parameter name)
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
        for position, name in self.slots:
            params[position] = self.adapters[name](values[name])
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
        self._compiled: dict[str, _Compiled] = {}
        self._lock = threading.Lock()
        KeptStatement._all.append(self)

    def fetch(self, *, via: Any = None, **values: Any) -> list[R]:
        """The rows for these values, as the queryset would give them (model instances, tuples, values).
        ``via``: the instance a related manager would have started from (``user.role_assignments``), for
        the database router's choice, as the manager gives it."""
        if set(values) != set(self.kinds):
            raise TypeError(f"{self.name}: parameters {sorted(self.kinds)}, given {sorted(values)}")
        hints = {} if via is None else {"instance": via}
        alias = router.db_for_read(self._model(), **hints)
        compiled = self._compiled.get(alias) or self._compile(alias)
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

    def _model(self) -> Any:
        if self.model is None:
            self.model = self.build(**self._stand_ins()).model
        return self.model

    def _stand_ins(self) -> dict[str, Any]:
        return {name: _stand_in(kind, index) for index, (name, kind) in enumerate(self.kinds.items())}

    def _compile(self, alias: str) -> _Compiled:
        stand_ins = self._stand_ins()
        queryset = self.build(**stand_ins)
        if queryset._prefetch_related_lookups or queryset._known_related_objects:  # type: ignore[attr-defined]
            raise ValueError(f"{self.name}: a kept statement is one statement (no prefetch_related)")
        compiler = queryset.query.get_compiler(using=alias)
        sql, raw_params = compiler.as_sql()
        adapters = {name: _adapter(kind, alias) for name, kind in self.kinds.items()}
        expected = {name: adapters[name](value) for name, value in stand_ins.items()}
        params: list[Any] = list(raw_params)
        slots: list[tuple[int, str]] = []
        for position, value in enumerate(raw_params):
            for name, stand_in in expected.items():
                if type(value) is type(stand_in) and value == stand_in:
                    slots.append((position, name))
                    params[position] = None
        missing = set(self.kinds) - {name for _position, name in slots}
        if missing:
            raise ValueError(f"{self.name}: parameters {sorted(missing)} are not plain values in the SQL")
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
        with self._lock:
            self._compiled[alias] = compiled
        return compiled

    def _check(self, alias: str, compiled: _Compiled, params: list[Any], values: dict[str, Any]) -> None:
        """The contract, checked: the queryset built with these values compiles to the same statement."""
        fresh_sql, fresh_params = self.build(**values).query.get_compiler(using=alias).as_sql()
        if fresh_sql != compiled.sql or list(fresh_params) != params:
            raise AssertionError(
                f"kept statement {self.name}: the builder's SQL depends on more than its parameters\n"
                f"kept:  {compiled.sql} {params}\nfresh: {fresh_sql} {list(fresh_params)}"
            )


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


def forget_all(**_kwargs: Any) -> None:
    """Compile every kept statement again at its next call (a test changed a setting)."""
    for statement in KeptStatement._all:
        with statement._lock:
            statement._compiled.clear()


setting_changed.connect(forget_all)
