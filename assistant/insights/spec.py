"""What a question asks, as a validated query over the metrics layer: metrics, dimensions,
filters, period, order and as-of date. A question (parsed, or proposed by a model) only ever
becomes one of these; only a spec that validates is compiled, and never into a write."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field, model_validator

from assistant.insights.metrics import METRICS, TIME_DIMENSIONS
from assistant.insights.periods import Period
from journey.schemas import Day


class Filter(BaseModel):
    dimension: str
    values: list[str] = Field(min_length=1)


class QuerySpec(BaseModel):
    metrics: list[str] = Field(min_length=1)
    dimensions: list[str] = Field(default_factory=list)
    filters: list[Filter] = Field(default_factory=list)
    period: Period = Field(default_factory=Period)
    as_of: Day = Field(default_factory=date.today)
    order: Literal["asc", "desc"] | None = None  # None: by the dimensions
    order_by: str | None = None  # the metric ordered by; the first when not given
    limit: int | None = Field(default=None, ge=1, le=1000)
    # The metric's own parameters: the hours a ticket waited, the stages of a conversion, the
    # event types a time is measured between.
    hours: float | None = Field(default=None, gt=0)
    from_stage: str | None = None
    to_stage: str | None = None
    from_event: str | None = None
    to_event: str | None = None
    # Periods compared side by side ("before and after 1 May", "Q2 vs Q3"): one row group each,
    # labelled in a first column, `period`.
    compare: list[Period] = Field(default_factory=list, max_length=6)

    @model_validator(mode="after")
    def _known(self) -> QuerySpec:
        if self.compare and (self.period.start or self.period.end):
            raise ValueError("either one period or periods to compare, not both")
        unknown = [m for m in self.metrics if m not in METRICS]
        if unknown:
            raise ValueError(f"unknown metric {unknown[0]!r}; known: {', '.join(METRICS)}")
        sources = {METRICS[m].source.key for m in self.metrics}
        kinds = {METRICS[m].kind for m in self.metrics}
        if len(sources) > 1 or (kinds - {"aggregate", "median"} and len(self.metrics) > 1):
            raise ValueError("these metrics cannot be shown in one table: ask for them one by one")
        source = METRICS[self.metrics[0]].source
        if source.time is None and (self.period.start or self.period.end or self.compare):
            raise ValueError(f"{self.metrics[0]} are counted as they are now: they have no dates")
        allowed = {*source.dimensions, *(TIME_DIMENSIONS if source.time is not None else ())}
        if kinds & {"conversion", "dropoff"}:
            allowed = {"stage", *allowed - {"stage", "type", "touchpoint", "channel"}}
            if "stage" in self.dimensions and "dropoff" in kinds and not self.from_stage:
                # "which stage loses the most accounts": the drop-off of every stage is a row
                self.dimensions = [d for d in self.dimensions if d != "stage"]
        if "between" in kinds:
            allowed -= {"stage", "type", "touchpoint", "channel"}
            if not (self.from_event and self.to_event):
                raise ValueError("a time between events needs both event types")
        if "conversion" in kinds and not (self.from_stage and self.to_stage):
            raise ValueError("a conversion needs the stage it starts in and the stage reached")
        for key in [*self.dimensions, *(f.dimension for f in self.filters)]:
            if key not in allowed:
                raise ValueError(
                    f"{self.metrics[0]} cannot be broken down by {key!r}; "
                    f"it can by: {', '.join(sorted(allowed))}"
                )
        if len(set(self.dimensions)) != len(self.dimensions) or len(self.dimensions) > 2:
            raise ValueError("at most two different dimensions")
        if self.order_by is not None and self.order_by not in self.metrics:
            raise ValueError(f"order_by: {self.order_by!r} is not among the metrics asked")
        if "tickets_waiting" in self.metrics and self.hours is None:
            self.hours = 24.0
        return self
