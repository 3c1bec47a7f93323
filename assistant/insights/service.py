"""Questions about the journey, answered from the metrics layer: a sentence, a table, a chart
and the query that was run; or, when the question cannot be read, what can be asked."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, TypeAdapter
from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.insights.metrics import METRICS, TIME_DIMENSIONS
from assistant.insights.pain_points import Spot, pain_points
from assistant.insights.parser import (
    AskedBack,
    Known,
    SpotsAsked,
    Unclear,
    first_error,
    parse,
    refusal,
    spots_asked,
    what_can_be_asked,
)
from assistant.insights.proposal import proposed_spec
from assistant.insights.query import Result, run
from assistant.insights.spec import QuerySpec
from journey.errors import InvalidInput
from journey.models import Account, Conversation, Flag, JourneyEvent, Review, Theme, Ticket
from journey.schemas import Day
from journey.vocabulary import Vocabulary

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

MAX_KNOWN_TAGS = 500
SEGMENT_LABELS = {"smb": "SMB", "mid_market": "mid-market", "enterprise": "enterprise"}


class Chart(BaseModel):
    kind: Literal["bar", "line", "heatmap", "number"]
    x: str | None = None
    y: str | None = None
    series: str | None = None  # a heatmap's second dimension


class Answer(BaseModel):
    question: str
    answer: str | None = None
    columns: list[str] = []
    rows: list[list[Any]] = []
    chart: Chart | None = None
    sql: str | None = None
    spec: QuerySpec | None = None
    read_by: Literal["model", "rules"] | None = None  # who turned the question into the spec
    clarification: str | None = None


class InsightsService:
    def __init__(
        self,
        session: Session,
        vocabulary: Vocabulary,
        model: BaseChatModel | None = None,
        milestones: Mapping[str, date] | None = None,
    ) -> None:
        self.session = session
        self.vocabulary = vocabulary
        self.model = model  # when configured, proposes the spec; the rules read it otherwise
        self.milestones = dict(milestones or {})  # the company's dated events: "the price change"

    def ask(self, question: str, as_of: date | None = None) -> Answer:
        question = question.strip()
        if not question:
            return Answer(question=question, clarification=what_can_be_asked())
        try:
            day = TypeAdapter(Day).validate_python(as_of or date.today())
        except ValueError as exc:
            raise InvalidInput(f"as_of: {first_error(exc)}") from exc
        why = refusal(question)
        if why:
            return Answer(question=question, clarification=f"{why} {what_can_be_asked()}")
        spots = spots_asked(question, self.vocabulary, day)
        if spots:
            return self.spots(question, spots, day)
        if self.model is not None:
            proposed = proposed_spec(self.model, question, day, self.vocabulary)
            if proposed is not None:
                return self.answer(question, proposed).model_copy(update={"read_by": "model"})
        try:
            spec = parse(question, self.known, day)
        except AskedBack as exc:
            return Answer(question=question, clarification=str(exc))
        except Unclear as exc:
            return Answer(question=question, clarification=f"{exc} {what_can_be_asked()}")
        return self.answer(question, spec).model_copy(update={"read_by": "rules"})

    def spots(self, question: str, asked: SpotsAsked, as_of: date) -> Answer:
        """Pain points or points of delight, per stage, as a table with quotes."""
        statements: list[str] = []
        found = pain_points(self.session, self.vocabulary, as_of, asked.period,
                            asked.stages or None, statements)  # fmt: skip
        found = [s for s in found if s.side in asked.sides]
        labels = {s.key: s.label for s in self.vocabulary.stages}
        where = " and ".join(labels[s] for s in asked.stages) or "any stage"
        if not found:
            sentence_ = f"Nothing in {where} reads far from its stage's average."
        else:
            one_stage = len({s.stage for s in found}) == 1

            def said(spot: Spot) -> str:
                what = f"the theme '{spot.name}'" if spot.kind == "theme" else spot.name
                where_ = "" if one_stage else f" in {labels.get(spot.stage, spot.stage)}"
                return (f"{what}{where_} ({spot.items} texts, sentiment {spot.sentiment:+.2f} "
                        f"against {spot.stage_sentiment:+.2f})")  # fmt: skip

            named = "; ".join(said(spot) for spot in found[:3])
            kinds = " and ".join("pain points" if k == "pain" else "points of delight"
                                 for k in asked.sides)  # fmt: skip
            sentence_ = f"The clearest {kinds} in {where}: {named}."
        return Answer(
            question=question,
            answer=sentence_,
            columns=[
                "stage",
                "side",
                "kind",
                "name",
                "items",
                "sentiment",
                "stage_sentiment",
                "quote",
            ],
            rows=[
                [
                    s.stage,
                    s.side,
                    s.kind,
                    s.name,
                    s.items,
                    s.sentiment,
                    s.stage_sentiment,
                    s.quotes[0] if s.quotes else None,
                ]
                for s in found
            ],
            chart=Chart(kind="bar", x="name", y="sentiment"),
            sql=";\n\n".join(statements),
        )

    def answer(self, question: str, spec: QuerySpec) -> Answer:
        result = run(self.session, spec, self.vocabulary)
        return Answer(
            question=question,
            answer=sentence(result, self.vocabulary),
            columns=result.columns,
            rows=result.rows,
            chart=chart(result),
            sql=";\n\n".join(result.sql),
            spec=spec,
        )

    @cached_property
    def known(self) -> Known:
        """What the data holds, read once per service: a run of questions (an evaluation, a
        dashboard) asks the database for it once."""

        def values(column: Any) -> list[str]:
            rows = self.session.scalars(select(column).distinct().where(column.is_not(None)))
            return sorted(str(v) for v in rows if v)

        def listed(column: Any) -> list[str]:
            found: set[str] = set()
            for values_ in self.session.scalars(select(column).limit(20_000)):
                found.update(v for v in values_ or [] if isinstance(v, str))
            return sorted(found)[:MAX_KNOWN_TAGS]

        return Known(
            vocabulary=self.vocabulary,
            plans=values(Account.plan),
            industries=values(Account.industry),
            platforms=values(Review.source),
            themes=values(Theme.label),
            tags=listed(Ticket.tags),
            flag_reasons=listed(Flag.reasons),
            handoff_reasons=values(Conversation.handoff_reason),
            countries=values(Account.country),
            event_channels=values(JourneyEvent.channel),
            milestones=self.milestones,
            accounts=values(Account.name),
            ticket_statuses=values(Ticket.status),
        )


def chart(result: Result) -> Chart:
    """Chosen from the result's shape: one figure, a time line, bars, or a heatmap of two."""
    dimensions = result.columns[: len(result.columns) - len(result.spec.metrics)]
    metric = result.spec.metrics[0]
    if not dimensions:
        return Chart(kind="number", y=metric)
    if len(dimensions) == 2:
        return Chart(kind="heatmap", x=dimensions[1], y=dimensions[0], series=metric)
    kind: Literal["line", "bar"] = "line" if dimensions[0] in TIME_DIMENSIONS else "bar"
    return Chart(kind=kind, x=dimensions[0], y=metric)


def sentence(result: Result, vocabulary: Vocabulary) -> str:
    spec = result.spec
    metric = METRICS[spec.metrics[0]]
    scope = _scope(spec)
    dimensions = result.columns[: len(result.columns) - len(result.spec.metrics)]
    if not result.rows:
        return f"There is no data for {metric.label}{scope}."
    figure = len(dimensions)
    if not dimensions:
        return f"{_capital(metric.label)}{scope}: {_shown(result.rows[0][0], metric.unit)}."
    labels = {**SEGMENT_LABELS, **{s.key: s.label for s in vocabulary.stages}}
    known = [r for r in result.rows if r[figure] is not None]
    if not known:
        return f"There is no data for {metric.label}{scope}."

    def name(row: list[Any]) -> str:
        return " / ".join(labels.get(str(v), str(v)) for v in row[:figure])

    if dimensions == ["period"] and len(known) == len(result.rows) == 2:
        # "before and after 1 May": the first period's figure, then the second's
        first, then = known
        return (
            f"{_capital(metric.label)}{scope} went from {_shown(first[figure], metric.unit)} "
            f"({name(first)}) to {_shown(then[figure], metric.unit)} ({name(then)})."
        )
    if dimensions[0] in TIME_DIMENSIONS and len(dimensions) == 1:
        first, last = known[0], known[-1]
        return (
            f"{_capital(metric.label)}{scope} went from {_shown(first[figure], metric.unit)} in "
            f"{name(first)} to {_shown(last[figure], metric.unit)} in {name(last)} "
            f"({len(known)} {dimensions[0]}s)."
        )
    high = max(known, key=lambda r: r[figure])
    low = min(known, key=lambda r: r[figure])
    what = " and ".join(d.replace("_", " ") for d in dimensions)
    if spec.limit == 1 and spec.order:
        best = high if spec.order == "desc" else low
        most = "highest" if spec.order == "desc" else "lowest"
        shown = _shown(best[figure], metric.unit)
        return f"{name(best)} has the {most} {metric.label}{scope}: {shown}."
    if high is low:
        return f"{_capital(metric.label)}{scope}: {name(high)} {_shown(high[figure], metric.unit)}."
    return (
        f"{_capital(metric.label)}{scope}: highest for {name(high)} "
        f"({_shown(high[figure], metric.unit)}), lowest for {name(low)} "
        f"({_shown(low[figure], metric.unit)}), across {len(known)} {what} values."
    )


def _scope(spec: QuerySpec) -> str:
    parts = [f"{f.dimension.replace('_', ' ')} {', '.join(f.values)}" for f in spec.filters]
    if spec.from_stage:
        parts.append(f"from {spec.from_stage} to {spec.to_stage or 'the next stage'}")
    if spec.from_event and spec.to_event:
        parts.append(f"from {spec.from_event} to {spec.to_event}")
    if spec.hours:
        parts.append(f"first response over {spec.hours:g} h")
    if spec.period.start or spec.period.end:
        parts.append(spec.period.label(spec.as_of))
    return f" ({'; '.join(parts)})" if parts else ""


def _shown(value: Any, unit: str) -> str:
    if value is None:
        return "no data"
    if unit == "percent":
        return f"{value:g}%"
    if unit in ("hours", "days"):
        return f"{value:g} {unit}"
    if unit == "money":
        return f"€{value:,.0f}"
    return f"{value:g}" if isinstance(value, float) else f"{value:,}"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
