"""The metrics layer against figures worked out by hand on a small world, on SQLite and (with
JOURNEY_TEST_DATABASE_URL) PostgreSQL: every definition of the insights issue, its dimensions,
periods and the as-of date, funnels per account, and read-only execution."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from builders import INSIGHTS_AS_OF, insights_world
from pydantic import ValidationError
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from assistant.insights.periods import Period, calendar, last_days, to_date
from assistant.insights.query import read_only, run
from assistant.insights.spec import QuerySpec
from journey.models import Account, Ticket
from journey.vocabulary import Vocabulary

AS_OF = INSIGHTS_AS_OF


@pytest.fixture
def world(session: Session) -> dict[str, Any]:
    return insights_world(session)


def ask(session: Session, **spec: Any) -> list[list[Any]]:
    return run(session, QuerySpec(as_of=AS_OF, **spec), Vocabulary()).rows


def test_counts_by_their_own_and_the_accounts_dimensions(session: Session, world: Any) -> None:
    assert ask(session, metrics=["tickets"], dimensions=["channel"]) == [["chat", 2], ["email", 4]]
    assert ask(session, metrics=["tickets"], dimensions=["segment"]) == [
        ["enterprise", 2],
        ["smb", 4],
    ]
    smb_email = [
        {"dimension": "segment", "values": ["smb"]},
        {"dimension": "channel", "values": ["email"]},
    ]
    assert ask(session, metrics=["tickets"], filters=smb_email) == [[3]]
    assert ask(session, metrics=["accounts", "arr"], dimensions=["status"]) == [
        ["active", 2, 100_000.0],
        ["churned", 1, 0.0],
    ]


def test_the_as_of_date_hides_what_came_after_it(session: Session, world: Any) -> None:
    assert ask(session, metrics=["tickets"]) == [[6]]
    later = run(session, QuerySpec(metrics=["tickets"], as_of=date(2026, 7, 31)), Vocabulary())
    assert later.rows == [[7]]


def test_medians_are_the_middle_value_or_the_mean_of_the_middle_two(
    session: Session, world: Any
) -> None:
    # email first responses: 30, 10, 40, 20 hours -> (20 + 30) / 2; chat: 1 (one unanswered)
    assert ask(session, metrics=["first_response_time"], dimensions=["channel"]) == [
        ["chat", 1.0],
        ["email", 25.0],
    ]
    # resolved: 50, 60, 30 (email), 2 (chat): all together 2, 30, 50, 60 -> 40
    assert ask(session, metrics=["resolution_time"]) == [[40.0]]
    assert ask(session, metrics=["tickets", "first_response_time"], dimensions=["segment"]) == [
        ["enterprise", 2, 20.5],
        ["smb", 4, 20.0],  # 30, 10 and Cedar's 20
    ]


def test_tickets_waiting_longer_than_the_hours_asked(session: Session, world: Any) -> None:
    assert ask(session, metrics=["tickets_waiting"], hours=24) == [[2]]
    assert ask(session, metrics=["tickets_waiting"], hours=15) == [[3]]


def test_a_ticket_with_two_matching_tags_counts_once(session: Session, world: Any) -> None:
    both = [{"dimension": "tag", "values": ["sso", "billing"]}]
    assert ask(session, metrics=["tickets"], filters=both) == [[4]]
    assert ask(session, metrics=["tickets"], dimensions=["tag"]) == [["billing", 2], ["sso", 3]]


def test_nps_promoters_detractors_and_periods(session: Session, world: Any) -> None:
    # all six: promoters 10, 9; detractors 3, 6, 0 -> 100 * (2 - 3) / 6
    assert ask(session, metrics=["nps", "promoters", "detractors"]) == [[-16.7, 33.3, 50.0]]
    since = Period(start=date(2026, 2, 1))
    assert ask(session, metrics=["nps"], period=since) == [[0.0]]
    assert ask(session, metrics=["nps"], dimensions=["segment"], period=since) == [
        ["enterprise", 50.0],
        ["smb", -33.3],
    ]


def test_csat_by_the_channel_of_the_ticket_it_rates(session: Session, world: Any) -> None:
    assert ask(session, metrics=["csat"], dimensions=["channel"]) == [
        ["chat", 100.0],
        ["email", 33.3],
    ]


def test_handoff_rate_and_moments_of_truth_by_reason(session: Session, world: Any) -> None:
    assert ask(session, metrics=["conversations", "handoff_rate"]) == [[4, 50.0]]
    by_reason = ask(
        session, metrics=["moments_of_truth", "average_severity"], dimensions=["reason"]
    )
    assert by_reason == [["churn_intent", 2, 85.0], ["slow_response", 2, 60.0]]
    assert ask(session, metrics=["moments_of_truth"]) == [[3]]


def test_sentiment_by_item_type_and_the_ticket_theme(session: Session, world: Any) -> None:
    assert ask(session, metrics=["sentiment", "negative_share"], dimensions=["item_type"]) == [
        ["review", 0.2, 0.0],
        ["ticket", -0.2, 66.7],
    ]
    assert ask(session, metrics=["tickets"], dimensions=["theme"]) == [["SSO errors", 2], [None, 4]]


def test_renewal_rate_by_period(session: Session, world: Any) -> None:
    assert ask(session, metrics=["renewal_rate"]) == [[50.0]]
    assert ask(session, metrics=["renewal_rate"], dimensions=["quarter"]) == [["2026-Q2", 50.0]]
    assert ask(session, metrics=["renewal_rate"], dimensions=["month"]) == [
        ["2026-04", 0.0],
        ["2026-05", 100.0],
    ]


def test_time_buckets(session: Session, world: Any) -> None:
    weeks = ask(session, metrics=["tickets"], dimensions=["week"], filters=[
        {"dimension": "channel", "values": ["chat"]}])  # fmt: skip
    assert weeks == [["2026-05-18", 1], ["2026-06-29", 1]]  # the Mondays of their weeks
    assert ask(session, metrics=["events"], dimensions=["year"]) == [["2025", 2], ["2026", 10]]


def test_conversion_dropoff_and_time_between_are_per_account(session: Session, world: Any) -> None:
    # awareness 2026: Alder, Birch, Cedar; consideration after it: Alder, Birch
    assert ask(
        session, metrics=["conversion"], from_stage="awareness", to_stage="consideration"
    ) == [[66.7]]
    dropoff = ask(
        session, metrics=["dropoff"], filters=[{"dimension": "segment", "values": ["smb"]}]
    )
    assert dropoff[:4] == [
        ["awareness", 50.0],  # Alder went on, Cedar did not
        ["consideration", 0.0],
        ["decision", 0.0],
        ["onboarding", 0.0],
    ]
    # Birch entered onboarding in 2025 and reached adoption a month later: both count
    assert ask(session, metrics=["conversion"], from_stage="onboarding", to_stage="adoption") == [
        [100.0]
    ]
    # signed -> first value: Alder 10 days, Birch 30 days -> 20
    between = {"from_event": "contract_signed", "to_event": "first_value_reached"}
    assert ask(session, metrics=["time_between"], **between) == [[20.0]]
    assert ask(session, metrics=["time_between"], dimensions=["segment"], **between) == [
        ["enterprise", 30.0],
        ["smb", 10.0],
    ]


def test_a_spec_the_layer_cannot_answer_is_refused_with_what_can_be_asked() -> None:
    with pytest.raises(ValidationError, match="unknown metric 'churn_velocity'"):
        QuerySpec(metrics=["churn_velocity"])
    with pytest.raises(ValidationError, match=r"can by: .*channel"):
        QuerySpec(metrics=["nps"], dimensions=["channel"])
    with pytest.raises(ValidationError, match="needs the stage"):
        QuerySpec(metrics=["conversion"])


def test_relative_periods_from_the_as_of_date() -> None:
    day = date(2026, 11, 15)
    assert calendar("quarter", day, -1) == Period(start=date(2026, 7, 1), end=date(2026, 10, 1))
    assert calendar("month", day, -1) == Period(start=date(2026, 10, 1), end=date(2026, 11, 1))
    assert calendar("month", date(2026, 1, 9), -1) == Period(
        start=date(2025, 12, 1), end=date(2026, 1, 1)
    )
    assert calendar("week", day) == Period(start=date(2026, 11, 9), end=date(2026, 11, 16))
    assert to_date("year", day) == Period(start=date(2026, 1, 1), end=date(2026, 11, 16))
    assert last_days(90, day) == Period(start=date(2026, 8, 17), end=day)


def test_queries_run_read_only_and_nothing_they_try_to_change_is_kept(
    session: Session, world: Any
) -> None:
    dialect = session.get_bind().dialect.name
    before = session.scalar(select(func.count()).select_from(Ticket))
    with (
        pytest.raises(Exception, match=r"(?i)read.?only"),
        read_only(session, dialect) as connection,
    ):
        connection.execute(text("DELETE FROM tickets"))
    assert session.scalar(select(func.count()).select_from(Ticket)) == before
    # and the session writes again afterwards
    session.add(Account(name="Dogwood"))
    session.flush()
