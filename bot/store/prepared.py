"""The few statements every update runs, run straight on the driver's cursor.

SQLAlchemy compiles each of them once per dialect and binds its values with its own type processors
(`UtcDateTime` included), exactly as `Connection.execute` would; what is left out is the per-call work
around it: the cache-key walk, the execution context and the result object. Measured on the webhook path
(benchmarks/bench_telegram.py), that work was most of the CPU the store took for an update, several times
what SQLite itself spent. The statements stay SQLAlchemy Core, written once for every database; the rest
of the store keeps `Connection.execute`.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Connection
from sqlalchemy.engine import Dialect
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ClauseElement

Processor = Callable[[Any], Any] | None


@dataclass(frozen=True, slots=True)
class _Plan:
    """A statement as one dialect runs it: its SQL, the order of its values and how each is bound."""

    sql: str
    names: tuple[str, ...]
    positional: bool
    fixed: Mapping[str, Any]  # values the statement carries itself ("pending", a NULL)
    binds: tuple[Processor, ...]
    columns: tuple[str, ...]  # a query's result columns
    results: tuple[Processor, ...]


class Prepared:
    """A Core statement run on the DBAPI cursor of the connection's transaction. Not for expanding IN
    lists or other values rendered at execution time: those are refused when the statement is compiled."""

    def __init__(self, statement: ClauseElement) -> None:
        self.statement = statement
        self._plans: dict[str, _Plan] = {}
        self._row_types: dict[tuple[str, ...], type] = {}

    def execute(self, conn: Connection, params: Mapping[str, Any]) -> int:
        """Run it; the number of rows it changed."""
        plan = self._plan(conn.dialect)
        cursor = conn.connection.cursor()
        try:
            cursor.execute(plan.sql, _bound(plan, params))
            return int(cursor.rowcount)
        finally:
            cursor.close()

    def execute_each(self, conn: Connection, params: Iterable[Mapping[str, Any]]) -> None:
        """Run it once for each set of values, in one call to the driver."""
        plan = self._plan(conn.dialect)
        batch = [_bound(plan, p) for p in params]
        if not batch:
            return
        cursor = conn.connection.cursor()
        try:
            cursor.executemany(plan.sql, cast(Sequence[Sequence[Any]], batch))
        finally:
            cursor.close()

    def scalar(self, conn: Connection, params: Mapping[str, Any]) -> Any:
        """The first column of the first row (None when there is none)."""
        rows = self.rows(conn, params, limit=1)
        return rows[0][0] if rows else None

    def rows(self, conn: Connection, params: Mapping[str, Any], limit: int | None = None) -> list[Any]:
        """The rows a query gives (named tuples: `row.id`), with SQLAlchemy's result processing."""
        plan = self._plan(conn.dialect)
        cursor = conn.connection.cursor()
        try:
            cursor.execute(plan.sql, _bound(plan, params))
            raw = cursor.fetchall() if limit is None else cursor.fetchmany(limit)
        finally:
            cursor.close()
        row_type = self._row_types.get(plan.columns)
        if row_type is None:
            row_type = self._row_types[plan.columns] = namedtuple("Row", plan.columns, rename=True)
        found = []
        for values in raw:
            processed = [v if p is None or v is None else p(v) for p, v in zip(plan.results, values, strict=True)]
            found.append(row_type(*processed))
        return found

    def _plan(self, dialect: Dialect) -> _Plan:
        plan = self._plans.get(dialect.name)
        if plan is None:
            plan = self._plans[dialect.name] = _compile(self.statement, dialect)
        return plan


def _compile(statement: ClauseElement, dialect: Dialect) -> _Plan:
    compiled = statement.compile(dialect=dialect)
    assert isinstance(compiled, SQLCompiler)
    if compiled.post_compile_params or compiled.literal_execute_params or compiled.escaped_bind_names:
        raise TypeError("a statement with values rendered at execution time cannot be prepared")
    binds = compiled.binds
    names = tuple(compiled.positiontup or ()) if compiled.positional else tuple(binds)
    fixed = {name: bind.effective_value for name, bind in binds.items() if not bind.required}
    processors = tuple(binds[name].type.dialect_impl(dialect).bind_processor(dialect) for name in names)
    columns: list[str] = []
    results: list[Processor] = []
    for column in getattr(statement, "selected_columns", ()):
        columns.append(str(column.key))
        results.append(column.type.dialect_impl(dialect).result_processor(dialect, None))
    return _Plan(compiled.string, names, compiled.positional, fixed, processors, tuple(columns), tuple(results))


def _bound(plan: _Plan, params: Mapping[str, Any]) -> Sequence[Any] | dict[str, Any]:
    values = [params[name] if name in params else plan.fixed[name] for name in plan.names]
    bound = [v if p is None else p(v) for p, v in zip(plan.binds, values, strict=True)]
    return bound if plan.positional else dict(zip(plan.names, bound, strict=True))
