"""`journey eval insights`: questions in plain language, each with the hand-written SQL that
answers it (or marked as one to refuse), run against the same database. A question is right
when the product's rows equal the SQL's rows, in any order; a question to refuse is right when
the product asks back instead of answering."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from assistant.insights.query import read_only
from assistant.insights.service import InsightsService
from ingestion.records import read_jsonl
from journey.errors import InvalidInput
from journey.vocabulary import Vocabulary


@dataclass
class Case:
    question: str
    sql: str | None  # None: the product must refuse it
    line: int


@dataclass
class Outcome:
    case: Case
    right: bool
    got: list[list[Any]] | str  # the rows, or the clarification
    expected: list[list[Any]] | None


@dataclass
class Figures:
    outcomes: list[Outcome] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        answerable = [o for o in self.outcomes if o.case.sql is not None]
        refusals = [o for o in self.outcomes if o.case.sql is None]

        def share(outcomes: list[Outcome]) -> float:
            return round(sum(o.right for o in outcomes) / len(outcomes), 3) if outcomes else 0.0

        return {
            "exact_match": share(self.outcomes),
            "answered_exact_match": share(answerable),
            "refusal_rate": share(refusals),
            "n": len(self.outcomes),
            "refusals": len(refusals),
        }


def load_cases(path: Path) -> list[Case]:
    cases = []
    for number, row in enumerate(read_jsonl(path), start=1):
        question, sql = row.get("question"), row.get("sql")
        if not isinstance(question, str) or not question.strip():
            raise InvalidInput(f"{path.name}, line {number}: no question")
        if not row.get("refuse") and not isinstance(sql, str):
            raise InvalidInput(f"{path.name}, line {number}: neither sql nor refuse")
        cases.append(Case(question, None if row.get("refuse") else sql, number))
    if not cases:
        raise InvalidInput(f"{path.name}: no questions")
    return cases


def evaluate(
    session: Session,
    vocabulary: Vocabulary,
    cases: list[Case],
    as_of: date,
    progress: Callable[[int, int], None] | None = None,
    milestones: Mapping[str, date] | None = None,
) -> Figures:
    insights = InsightsService(session, vocabulary, milestones=milestones)
    figures = Figures()
    dialect = session.get_bind().dialect.name
    for done, case in enumerate(cases, start=1):
        answer = insights.ask(case.question, as_of)
        if case.sql is None:
            got: list[list[Any]] | str = answer.clarification or answer.rows
            figures.outcomes.append(Outcome(case, answer.clarification is not None, got, None))
        else:
            with read_only(session, dialect) as connection:
                expected = [list(r) for r in connection.execute(text(case.sql))]
            got = answer.clarification or answer.rows
            right = answer.clarification is None and same_rows(answer.rows, expected)
            figures.outcomes.append(Outcome(case, right, got, expected))
        if progress:
            progress(done, len(cases))
    return figures


def same_rows(got: list[list[Any]], expected: list[list[Any]]) -> bool:
    """Equal as multisets of rows; numbers equal to within rounding's last digit."""
    if len(got) != len(expected):
        return False
    unmatched = [list(r) for r in expected]
    for row in got:
        match = next((e for e in unmatched if _same_row(row, e)), None)
        if match is None:
            return False
        unmatched.remove(match)
    return True


def _same_row(a: list[Any], b: list[Any]) -> bool:
    if len(a) != len(b):
        return False
    for x, y in zip(a, b, strict=True):
        if isinstance(x, int) and isinstance(y, int):
            if x != y:
                return False
        elif isinstance(x, int | float) and isinstance(y, int | float):
            # Within one unit of the finer figure's last digit: SQL rounds halves away from
            # zero, Python to even.
            decimals = max(_decimals(x), _decimals(y))
            if not math.isclose(x, y, abs_tol=10**-decimals + 1e-9):
                return False
        elif x != y and str(x) != str(y):
            return False
    return True


def _decimals(value: float) -> int:
    return len(repr(float(value)).partition(".")[2].rstrip("0")) if value == value else 0
