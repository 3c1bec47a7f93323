"""A validated `QuerySpec` compiled to SQLAlchemy and run read-only: the figures, and the SQL that
produced them.

Medians are computed in SQL with window functions (row number and count per group), which
SQLite and PostgreSQL both run. Funnels are per account: the first time each account entered
a stage (or had an event of a type), then whether and when it went on.
"""

from __future__ import annotations

import itertools
import time as clock
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import Select, and_, case, exists, func, literal, select, true, union_all
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import ColumnElement

from assistant.insights.metrics import (
    METRICS,
    TIME_DIMENSIONS,
    Dimension,
    Join,
    Metric,
    Source,
    hours_between,
    percent,
)
from assistant.insights.periods import bucket, moment
from assistant.insights.spec import Filter, QuerySpec
from journey.errors import AppError
from journey.models import Account, JourneyEvent
from journey.vocabulary import Vocabulary

MAX_ROWS = 1000
TIME_LIMIT_S = 10.0
DIGITS = {"count": 0, "money": 2, "sentiment": 3}  # the rest: one decimal


class QueryTimeout(AppError):
    code = "query_timeout"
    status_code = 504


@dataclass
class Result:
    spec: QuerySpec
    columns: list[str]  # dimension keys, then metric keys
    rows: list[list[Any]]
    sql: list[str] = field(default_factory=list)
    truncated: bool = False


def run(session: Session, spec: QuerySpec, vocabulary: Vocabulary) -> Result:
    """The spec's figures, one row per combination of its dimensions' values; with periods
    to compare, those rows for each period in turn, the period's label first."""
    if spec.compare:
        parts = [
            (p, run(session, spec.model_copy(update={"period": p, "compare": []}), vocabulary))
            for p in spec.compare
        ]
        return Result(
            spec,
            ["period", *parts[0][1].columns],
            [[p.label(spec.as_of), *row] for p, part in parts for row in part.rows],
            [statement for _, part in parts for statement in part.sql],
            truncated=any(part.truncated for _, part in parts),
        )
    dialect = session.get_bind().dialect.name
    kind = METRICS[spec.metrics[0]].kind
    if kind in ("conversion", "dropoff"):
        statements = [_funnel(spec, vocabulary, dialect)]
    elif kind == "between":
        statements = [_between(spec, dialect)]
    else:
        statements = _aggregates(spec, dialect)
    started = clock.monotonic()
    try:
        with read_only(session, dialect) as connection:
            results = [connection.execute(s).all() for s in statements]
    except DBAPIError as exc:
        if clock.monotonic() - started < TIME_LIMIT_S:
            raise
        raise QueryTimeout(f"the question took longer than {TIME_LIMIT_S:.0f} s") from exc
    dimensions = len(spec.dimensions) + (1 if _by_stage(spec) else 0)
    merged: dict[tuple[Any, ...], dict[str, Any]] = {}
    for statement, rows in zip(statements, results, strict=True):
        names = list(statement.selected_columns.keys())
        for row in rows:
            merged.setdefault(tuple(row[:dimensions]), {}).update(
                zip(names[dimensions:], row[dimensions:], strict=True)
            )
    columns = [*(["stage"] if _by_stage(spec) else []), *spec.dimensions, *spec.metrics]
    table = [
        [*key, *(_rounded(values.get(m), METRICS[m]) for m in spec.metrics)]
        for key, values in merged.items()
    ]
    table = _ordered(table, spec, dimensions, vocabulary)
    limit = min(spec.limit or MAX_ROWS, MAX_ROWS)
    return Result(spec, columns, table[:limit], [sql_text(s, dialect) for s in statements],
                  truncated=len(table) > limit)  # fmt: skip


def _ordered(
    table: list[list[Any]], spec: QuerySpec, dimensions: int, vocabulary: Vocabulary
) -> list[list[Any]]:
    stages = {s.key: n for n, s in enumerate(vocabulary.stages)}

    def by_dimensions(row: list[Any]) -> tuple[Any, ...]:
        # Stages in journey order, everything else (periods too) as text; no value last.
        return tuple(
            (v is None, stages.get(v, len(stages)) if isinstance(v, str) else 0, str(v))
            for v in row[:dimensions]
        )

    table.sort(key=by_dimensions)
    if spec.order:
        first = dimensions + (spec.metrics.index(spec.order_by) if spec.order_by else 0)
        # "the top 3 themes": a row without a theme, or without a figure, is none of them
        ranked = [r[first] is not None and None not in r[:dimensions] for r in table]
        known = [r for r, rank in zip(table, ranked, strict=True) if rank]
        known.sort(key=lambda r: r[first], reverse=spec.order == "desc")
        table = known + [r for r, rank in zip(table, ranked, strict=True) if not rank]
    return table


def _rounded(value: Any, metric: Metric) -> Any:
    if value is None:
        return None
    digits = DIGITS.get(metric.unit, 1)
    return int(value) if digits == 0 else round(float(value), digits)


def _by_stage(spec: QuerySpec) -> bool:
    """A drop-off asked of no one stage is shown for every stage."""
    metric = METRICS[spec.metrics[0]]
    return metric.kind == "dropoff" and not spec.from_stage


# Plain aggregates: one statement per set of metrics sharing their conditions.


def _aggregates(spec: QuerySpec, dialect: str) -> list[Select[Any]]:
    groups: dict[str, list[Metric]] = {}
    for key in spec.metrics:
        metric = METRICS[key]
        own = metric.kind == "median" or metric.where or metric.threshold
        groups.setdefault(metric.key if own else "", []).append(metric)
    statements = []
    for metrics in groups.values():
        first = metrics[0]
        conditions = [*first.where]
        if first.threshold and spec.hours is not None:
            conditions.append(first.threshold(dialect, spec.hours))
        if first.kind == "median":
            assert first.value is not None
            statements.append(_median(spec, first, first.value(dialect), conditions, dialect))
        else:
            statements.append(_grouped(spec, metrics, conditions, dialect))
    return statements


def _shaped(
    spec: QuerySpec,
    source: Source,
    columns: Callable[[list[Any]], Sequence[Any]],
    conditions: list[Any],
    dialect: str,
) -> tuple[Select[Any], list[Any]]:
    """A select of the spec's dimensions and `columns` (made knowing the dimensions) over the
    source's rows, joined and filtered as the spec says; also the dimensions, to group by."""
    grouping: list[Any] = []
    joins: dict[str, Join] = {}
    listed: list[Any] = []
    for key in spec.dimensions:
        if key in TIME_DIMENSIONS:
            grouping.append(bucket(source.time, key, dialect).label(key))  # type: ignore[arg-type]
            continue
        dimension = source.dimensions[key]
        joins.update((j.key, j) for j in dimension.joins)
        if dimension.listed:
            elements = _elements(dimension.column, dialect)
            listed.append(elements)
            grouping.append(elements.c.value.label(key))
            # Grouped and filtered by the same list: only the values asked for are rows.
            wanted = [v for f in spec.filters if f.dimension == key for v in f.values]
            if wanted:
                conditions = [*conditions, elements.c.value.in_(wanted)]
        else:
            grouping.append(dimension.column.label(key))
    for f in spec.filters:
        joins.update((j.key, j) for j in _filter_joins(source, f))
    statement = select(*grouping, *columns(grouping)).select_from(source.table)
    for join in sorted(joins.values(), key=lambda j: len(j.after)):
        statement = statement.outerjoin(join.target, join.on())
    for elements in listed:
        statement = statement.join(elements, true())
    statement = statement.where(*source.where, *conditions, *_period(spec, source.time))
    statement = statement.where(*(_matches(source, f, dialect) for f in spec.filters))
    return statement, grouping


def _grouped(
    spec: QuerySpec, metrics: list[Metric], conditions: list[Any], dialect: str
) -> Select[Any]:
    source = metrics[0].source
    values = [m.value(dialect).label(m.key) for m in metrics if m.value is not None]
    statement, grouping = _shaped(spec, source, lambda _: values, conditions, dialect)
    return statement.group_by(*grouping) if grouping else statement


def _median(
    spec: QuerySpec, metric: Metric, measure: Any, conditions: list[Any], dialect: str
) -> Select[Any]:
    """The median of `measure` per group: the middle row (or the mean of the middle two) by a
    row number counted within each group."""
    inner, grouping = _shaped(
        spec,
        metric.source,
        lambda grouping: _numbered(measure, grouping),
        [*conditions, measure.is_not(None)],
        dialect,
    )
    return _middle(inner, grouping, metric.key)


def _numbered(measure: Any, grouping: list[Any]) -> list[Any]:
    """The measure, its place in its group from the smallest, and its group's size."""
    partition = [_plain(g) for g in grouping] or None
    return [
        measure.label("measure"),
        func.row_number().over(partition_by=partition, order_by=measure).label("place"),
        func.count().over(partition_by=partition).label("size"),
    ]


def _middle(numbered: Select[Any], grouping: list[Any], key: str) -> Select[Any]:
    """Per group, the mean of its middle row (odd size) or middle two rows (even size)."""
    rows = numbered.subquery("measured")
    keys = [rows.c[g.name] for g in grouping]
    middle = and_(rows.c.place >= (rows.c.size + 1) // 2, rows.c.place <= (rows.c.size + 2) // 2)
    outer = select(*keys, func.avg(rows.c.measure).label(key)).where(middle)
    return outer.group_by(*keys) if keys else outer


def _plain(labelled: Any) -> Any:
    return getattr(labelled, "element", labelled)


def _period(spec: QuerySpec, time: Any) -> list[ColumnElement[bool]]:
    """The spec's period, and nothing after the as-of day: what was not known then."""
    if time is None:
        return []
    conditions = [time < moment(spec.as_of + timedelta(days=1))]
    if spec.period.start:
        conditions.append(time >= moment(spec.period.start))
    if spec.period.end:
        conditions.append(time < moment(spec.period.end))
    return conditions


def _elements(column: Any, dialect: str) -> Any:
    """The elements of a JSON list column, as a table with a `value` column."""
    if dialect == "postgresql":
        return func.jsonb_array_elements_text(column).table_valued("value")
    return func.json_each(column).table_valued("value")


def _filter_joins(source: Source, f: Filter) -> tuple[Join, ...]:
    dimension = source.dimensions.get(f.dimension)
    return dimension.joins if dimension else ()


def _matches(source: Source, f: Filter, dialect: str) -> ColumnElement[bool]:
    if f.dimension in TIME_DIMENSIONS:
        return bucket(source.time, f.dimension, dialect).in_(f.values)  # type: ignore[arg-type]
    dimension: Dimension = source.dimensions[f.dimension]
    if dimension.listed:
        # A row whose list holds any of the values, counted once.
        elements = _elements(dimension.column, dialect)
        return exists(
            select(literal(1)).select_from(elements).where(elements.c.value.in_(f.values))
        )
    return dimension.column.in_(f.values)


# Funnels: per account, the first time it entered a stage or had an event of a type.


def _account_scope(
    spec: QuerySpec, at: Any, dialect: str
) -> tuple[list[Any], list[ColumnElement[bool]], bool]:
    """Grouping columns and filters of a per-account funnel: account dimensions and the time
    the account entered the funnel; whether the accounts table is needed."""
    source = METRICS["events"].source
    grouping: list[Any] = []
    needs_account = False
    for key in spec.dimensions:
        if key in TIME_DIMENSIONS:
            grouping.append(bucket(at, key, dialect).label(key))  # type: ignore[arg-type]
        elif key != "stage":
            grouping.append(source.dimensions[key].column.label(key))
            needs_account = True
    conditions: list[ColumnElement[bool]] = []
    for f in spec.filters:
        if f.dimension in TIME_DIMENSIONS:
            conditions.append(bucket(at, f.dimension, dialect).in_(f.values))  # type: ignore[arg-type]
        elif f.dimension != "stage":
            conditions.append(source.dimensions[f.dimension].column.in_(f.values))
            needs_account = True
    return grouping, conditions, needs_account


def _first(condition: ColumnElement[bool], spec: QuerySpec) -> Any:
    """Each account's first event meeting `condition`, within the spec's period."""
    event = JourneyEvent
    return (
        select(event.account_id.label("account_id"), func.min(event.occurred_at).label("at"))
        .where(condition, event.account_id.is_not(None), *_period(spec, event.occurred_at))
        .group_by(event.account_id)
        .subquery("entered")
    )


def _funnel(spec: QuerySpec, vocabulary: Vocabulary, dialect: str) -> Select[Any]:
    metric = METRICS[spec.metrics[0]]
    order = [s.key for s in vocabulary.stages]
    if spec.from_stage:
        pairs = [(spec.from_stage, spec.to_stage or _next(order, spec.from_stage))]
    else:
        pairs = list(itertools.pairwise(order))
    wanted = {v for f in spec.filters if f.dimension == "stage" for v in f.values}
    if wanted:
        pairs = [p for p in pairs if p[0] in wanted]
    if not pairs:
        raise AppError("nothing to compare: the stage has no next stage")
    # One pass over the log: per account and stage, the first event within the period (the
    # account entered the stage then) and the last event up to the as-of date.
    event = JourneyEvent
    cap = moment(spec.as_of + timedelta(days=1))
    in_period = and_(*_period(spec, event.occurred_at))
    spans = (
        select(
            event.account_id.label("account_id"),
            event.stage.label("stage"),
            func.min(case((in_period, event.occurred_at))).label("entered_at"),
            func.max(event.occurred_at).label("last_at"),
        )
        .where(event.account_id.is_not(None), event.occurred_at < cap)
        .where(event.stage.in_({stage for pair in pairs for stage in pair}))
        .group_by(event.account_id, event.stage)
        .cte("spans")
    )
    steps = union_all(
        *(select(literal(a).label("start"), literal(b).label("goal")) for a, b in pairs)
    ).subquery("steps")
    entered, reached = spans.alias("entered"), spans.alias("reached")
    # Reached: an event in the next stage at or after the first in this one.
    share = percent(reached.c.last_at >= entered.c.entered_at)
    value = (100.0 - share) if metric.kind == "dropoff" else share
    grouping, conditions, needs_account = _account_scope(spec, entered.c.entered_at, dialect)
    labels: list[Any] = [steps.c.start.label("stage")] if _by_stage(spec) else []
    statement: Select[Any] = (
        select(*labels, *grouping, value.label(metric.key))
        .select_from(steps)
        .join(entered, and_(entered.c.stage == steps.c.start, entered.c.entered_at.is_not(None)))
        .outerjoin(
            reached,
            and_(reached.c.account_id == entered.c.account_id, reached.c.stage == steps.c.goal),
        )
    )
    if needs_account:
        statement = statement.join(Account, Account.id == entered.c.account_id)
    statement = statement.where(*conditions)
    keys = [steps.c.start, *grouping] if labels else grouping
    return statement.group_by(*keys) if keys else statement


def _next(order: list[str], stage: str) -> str:
    place = order.index(stage)
    if place + 1 >= len(order):
        raise AppError(f"{stage} is the last stage: there is no next one to reach")
    return order[place + 1]


def _between(spec: QuerySpec, dialect: str) -> Select[Any]:
    """The median days from each account's first `from_event` to its first `to_event` after."""
    assert spec.from_event and spec.to_event
    cap = moment(spec.as_of + timedelta(days=1))
    entered = _first(JourneyEvent.type == spec.from_event, spec)
    later = aliased(JourneyEvent, name="later")
    pairs = (
        select(
            entered.c.account_id.label("account_id"),
            entered.c.at.label("at"),
            func.min(later.occurred_at).label("next_at"),
        )
        .join(later, later.account_id == entered.c.account_id)
        .where(
            later.type == spec.to_event, later.occurred_at >= entered.c.at, later.occurred_at < cap
        )
        .group_by(entered.c.account_id, entered.c.at)
        .subquery("pairs")
    )
    grouping, conditions, needs_account = _account_scope(spec, pairs.c.at, dialect)
    days = hours_between(pairs.c.next_at, pairs.c.at, dialect) / 24.0
    inner = select(*grouping, *_numbered(days, grouping)).select_from(pairs)
    if needs_account:
        inner = inner.join(Account, Account.id == pairs.c.account_id)
    return _middle(inner.where(*conditions), grouping, "time_between")


# Running: read-only, with a time limit.


@contextmanager
def read_only(session: Session, dialect: str) -> Iterator[Connection]:
    """The session's connection inside a savepoint that is always rolled back, made read-only
    and given a time limit: whatever a statement tried to change, nothing is kept."""
    with session.begin_nested() as savepoint:
        connection = session.connection()
        if dialect == "postgresql":
            connection.exec_driver_sql("SET LOCAL transaction_read_only = on")
            connection.exec_driver_sql(f"SET LOCAL statement_timeout = {int(TIME_LIMIT_S * 1000)}")
            try:
                yield connection
            finally:
                savepoint.rollback()
            return
        raw: Any = connection.connection.driver_connection
        deadline = clock.monotonic() + TIME_LIMIT_S
        connection.exec_driver_sql("PRAGMA query_only = ON")
        raw.set_progress_handler(_past(deadline), 10_000)
        try:
            yield connection
        finally:
            raw.set_progress_handler(None, 0)
            connection.exec_driver_sql("PRAGMA query_only = OFF")
            savepoint.rollback()


def _past(deadline: float) -> Callable[[], int]:
    return lambda: int(clock.monotonic() > deadline)  # non-zero stops the statement


def sql_text(statement: Select[Any], dialect: str) -> str:
    """The statement as it is run, its values written in."""
    from sqlalchemy.dialects import postgresql, sqlite

    compiled_for = postgresql.dialect() if dialect == "postgresql" else sqlite.dialect()
    try:
        return str(statement.compile(dialect=compiled_for, compile_kwargs={"literal_binds": True}))
    except Exception:  # a value with no literal form: the statement with its parameters named
        return str(statement.compile(dialect=compiled_for))
