"""Questions in plain language: read into query specs with no model, answered with a sentence,
a table, a chart and the SQL; refused with what can be asked when they cannot be read or would
change data. Over HTTP (manager role) and the CLI too."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from builders import INSIGHTS_AS_OF, insights_world
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from assistant.insights.parser import AskedBack, Known, Unclear, parse
from assistant.insights.periods import Period
from assistant.insights.service import InsightsService
from journey.vocabulary import Vocabulary

AS_OF = date(2026, 11, 15)
KNOWN = Known(
    vocabulary=Vocabulary(),
    plans=["Enterprise", "Growth", "Starter"],
    platforms=["capterra", "g2", "trustpilot"],
    tags=["billing", "integration_disconnected", "integration_sync", "sso"],
)


def spec_of(question: str) -> dict[str, Any]:
    spec = parse(question, KNOWN, AS_OF)
    return spec.model_dump(exclude_defaults=True, exclude={"as_of"}, mode="json")


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        (
            "where do SMB accounts drop off?",
            {"metrics": ["dropoff"], "filters": [{"dimension": "segment", "values": ["smb"]}]},
        ),
        (
            "compare CSAT for email and chat tickets",
            {
                "metrics": ["csat"],
                "dimensions": ["channel"],
                "filters": [{"dimension": "channel", "values": ["email", "chat"]}],
            },
        ),
        (
            "NPS by segment since 1 May",
            {
                "metrics": ["nps", "promoters", "detractors"],
                "dimensions": ["segment"],
                "period": {"start": "2026-05-01"},
            },
        ),
        (
            "how many tickets did we get last quarter?",
            {"metrics": ["tickets"], "period": {"start": "2026-07-01", "end": "2026-10-01"}},
        ),
        (
            "integration tickets per month in 2026",
            {
                "metrics": ["tickets"],
                "dimensions": ["month"],
                "filters": [
                    {"dimension": "tag", "values": ["integration_disconnected", "integration_sync"]}
                ],
                "period": {"start": "2026-01-01", "end": "2026-11-16"},  # up to the as-of day
            },
        ),
        (
            "which channel has the slowest first response?",
            {
                "metrics": ["first_response_time"],
                "dimensions": ["channel"],
                "order": "desc",
                "limit": 1,
            },
        ),
        (
            "how many urgent tickets waited more than 2 days in the last 90 days",
            {
                "metrics": ["tickets_waiting"],
                "filters": [{"dimension": "priority", "values": ["urgent"]}],
                "period": {"start": "2026-08-17", "end": "2026-11-15"},
                "hours": 48.0,
            },
        ),
        (
            "average rating on G2 this year",
            {
                "metrics": ["average_rating"],
                "filters": [{"dimension": "platform", "values": ["g2"]}],
                "period": {"start": "2026-01-01", "end": "2026-11-16"},
            },
        ),
        (
            "how long from contract signed to first value for mid-market accounts?",
            {
                "metrics": ["time_between"],
                "filters": [{"dimension": "segment", "values": ["mid_market"]}],
                "from_event": "contract_signed",
                "to_event": "first_value_reached",
            },
        ),
        (
            "conversion from consideration to decision in August",
            {
                "metrics": ["conversion"],
                "period": {"start": "2026-08-01", "end": "2026-09-01"},
                "from_stage": "consideration",
                "to_stage": "decision",
            },
        ),
        (
            "how many customers on the Growth plan in Germany",
            {
                "metrics": ["accounts"],
                "filters": [
                    {"dimension": "plan", "values": ["Growth"]},
                    {"dimension": "country", "values": ["DE"]},
                    {"dimension": "status", "values": ["active"]},
                ],
            },
        ),
        (
            "top 3 themes by negative sentiment in tickets",
            {
                "metrics": ["negative_share"],
                "dimensions": ["theme"],
                "filters": [{"dimension": "item_type", "values": ["ticket"]}],
                "order": "desc",
                "limit": 3,
            },
        ),
    ],
)
def test_questions_are_read_into_specs(question: str, expected: dict[str, Any]) -> None:
    assert spec_of(question) == expected


@pytest.mark.parametrize(
    ("question", "says"),
    [
        ("delete all tickets from last month", "cannot change data"),
        ("Update the NPS of Alder to 10", "cannot change data"),
        ("how is the weather in Berlin?", "which figure"),
        ("NPS by channel", "cannot be broken down by 'channel'"),
    ],
)
def test_what_cannot_be_read_or_would_change_data_is_refused(question: str, says: str) -> None:
    with pytest.raises(Unclear, match=says):
        parse(question, KNOWN, AS_OF)


def test_a_month_without_a_year_is_the_latest_one_up_to_the_as_of_date() -> None:
    assert parse("tickets in december", KNOWN, AS_OF).period == Period(
        start=date(2025, 12, 1), end=date(2026, 1, 1)
    )


def test_answers_have_a_sentence_a_table_a_chart_and_the_sql(session: Session) -> None:
    insights_world(session)
    insights = InsightsService(session, Vocabulary())
    by_channel = insights.ask("median first response time by channel", INSIGHTS_AS_OF)
    assert by_channel.rows == [["chat", 1.0], ["email", 25.0]]
    assert by_channel.answer == (
        "Median first response (hours): highest for email (25 hours), lowest for chat "
        "(1 hours), across 2 channel values."
    )
    assert by_channel.chart and by_channel.chart.kind == "bar"
    assert by_channel.sql and "row_number()" in by_channel.sql.lower()
    one = insights.ask("how many tickets?", INSIGHTS_AS_OF)
    assert one.rows == [[6]] and one.answer == "Tickets: 6." and one.chart
    assert one.chart.kind == "number"
    monthly = insights.ask("renewal rate per month", INSIGHTS_AS_OF)
    assert monthly.chart and monthly.chart.kind == "line"
    assert monthly.answer == "Renewal rate % went from 0% in 2026-04 to 100% in 2026-05 (2 months)."
    segments = insights.ask("tickets by segment", INSIGHTS_AS_OF)
    assert segments.answer == (
        "Tickets: highest for SMB (4), lowest for enterprise (2), across 2 segment values."
    )
    refused = insights.ask("drop table tickets", INSIGHTS_AS_OF)
    assert refused.rows == [] and refused.clarification
    assert "You can ask for" in refused.clarification


def test_managers_ask_over_http(
    client: TestClient, session: Session, staff_token: Callable[[str], str]
) -> None:
    insights_world(session)
    manager = {"Authorization": f"Bearer {staff_token('manager')}"}
    question = {"question": "CSAT by channel", "as_of": INSIGHTS_AS_OF.isoformat()}
    answer = client.post("/insights/ask", json=question, headers=manager)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["columns"] == ["channel", "csat"]
    assert body["rows"] == [["chat", 100.0], ["email", 33.3]]
    assert body["spec"]["metrics"] == ["csat"] and "SELECT" in body["sql"]
    agent = {"Authorization": f"Bearer {staff_token('agent')}"}
    assert client.post("/insights/ask", json=question, headers=agent).status_code == 403
    bad = client.post("/insights/ask", json={"question": "NPS", "as_of": "last tuesday"},
                      headers=manager)  # fmt: skip
    assert bad.status_code == 422 and bad.json()["error"]
    far = client.post("/insights/ask", json={"question": "NPS", "as_of": "9999-12-31"},
                      headers=manager)  # fmt: skip
    assert far.status_code == 422 and "year" in str(far.json()["detail"])
    unclear = client.post("/insights/ask", json={"question": "hello?"}, headers=manager)
    assert unclear.status_code == 200 and unclear.json()["clarification"]


def test_the_cli_answers_a_file_of_questions_one_json_line_each(env: Any, tmp_path: Any) -> None:
    from typer.testing import CliRunner

    from app.cli import app

    questions = tmp_path / "questions.txt"
    questions.write_text("how many tickets?\n\nerase everything\nNPS\n", encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(app, ["init"]).exit_code == 0
    result = runner.invoke(app, ["ask", "--file", str(questions), "--as-of", "2026-11-15"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [line["question"] for line in lines] == ["how many tickets?", "erase everything", "NPS"]
    assert lines[0]["rows"] == [[0]] and "clarification" in lines[1]
    assert lines[2]["columns"] == ["nps", "promoters", "detractors"]
    bad = runner.invoke(app, ["ask", "NPS", "--as-of", "yesterday"])
    assert bad.exit_code != 0 and "--as-of: not a date" in bad.output
    far = runner.invoke(app, ["ask", "NPS", "--as-of", "9999-12-31"])
    assert far.exit_code != 0 and "year must be between" in far.output


@pytest.mark.parametrize(
    ("question", "filters"),
    [
        (
            "renewal rate for enterprise accounts",
            [{"dimension": "segment", "values": ["enterprise"]}],
        ),
        ("renewal rate on the enterprise plan", [{"dimension": "plan", "values": ["Enterprise"]}]),
        ("NPS of Growth customers", [{"dimension": "plan", "values": ["Growth"]}]),
    ],
)
def test_a_name_both_a_segment_and_a_plan_is_a_plan_only_when_said_so(
    question: str, filters: list[dict[str, Any]]
) -> None:
    assert spec_of(question)["filters"] == filters


def test_the_evaluation_compares_rows_with_the_questions_own_sql(session: Session) -> None:
    from assistant.insights.evaluation import Case, evaluate, same_rows

    insights_world(session)
    cases = [
        Case("tickets by channel", "SELECT channel, count(*) FROM tickets "
             "WHERE created_at < '2026-07-01' GROUP BY channel", 1),
        Case("tickets by channel", "SELECT channel, count(*) FROM tickets GROUP BY channel", 2),
        Case("erase the flags", None, 3),
        Case("how many flags", None, 4),
    ]  # fmt: skip
    figures = evaluate(session, Vocabulary(), cases, INSIGHTS_AS_OF).as_dict()
    # the second SQL counts a ticket after the as-of date; the last question is answerable
    assert [o.right for o in evaluate(session, Vocabulary(), cases, INSIGHTS_AS_OF).outcomes] == [
        True, False, True, False]  # fmt: skip
    assert figures["exact_match"] == 0.5 and figures["refusal_rate"] == 0.5
    assert same_rows([["a", 33.3], ["b", 1]], [["b", 1], ["a", 33.300000000000004]])
    assert same_rows([["a", 0.2]], [["a", 0.3]])  # 0.25 rounded to even, or away from zero
    assert not same_rows([["a", 27.5]], [["a", 27.3]])
    assert not same_rows([["a", 0.172]], [["a", 0.17]])
    assert not same_rows([["a", 1]], [["a", 1], ["b", 2]])


def test_periods_compared_side_by_side(session: Session) -> None:
    insights_world(session)
    insights = InsightsService(session, Vocabulary())
    around = insights.ask("renewal rate before and after 1 May", INSIGHTS_AS_OF)
    # Cedar cancelled on 2 April; Birch renewed on 20 May
    assert around.columns == ["period", "renewal_rate"]
    assert around.rows == [["until 30 Apr 2026", 0.0], ["since 01 May 2026", 100.0]]
    assert around.answer == (
        "Renewal rate % went from 0% (until 30 Apr 2026) to 100% (since 01 May 2026)."
    )
    quarters = insights.ask("tickets by channel, Q1 vs Q2", INSIGHTS_AS_OF)
    # no ticket in the first quarter: its period has no rows; the second runs up to the
    # as-of date
    assert quarters.rows == [["since 01 Apr 2026", "chat", 2], ["since 01 Apr 2026", "email", 4]]
    assert spec_of("NPS this month compared to last month")["compare"] == [
        {"start": "2026-11-01", "end": "2026-11-16"},
        {"start": "2026-10-01", "end": "2026-11-01"},
    ]
    assert "compare" not in spec_of("compare CSAT for email and chat tickets")


def _model(reply: str) -> Any:
    from langchain_core.language_models import GenericFakeChatModel
    from langchain_core.messages import AIMessage

    return GenericFakeChatModel(messages=iter([AIMessage(reply)]))


def test_a_model_proposes_the_spec_and_the_rules_read_what_it_gets_wrong(
    session: Session,
) -> None:
    from langchain_core.language_models import GenericFakeChatModel

    insights_world(session)
    proposal = 'Here you go:\n```json\n{"metrics": ["tickets"], "dimensions": ["segment"]}\n```'
    by_model = InsightsService(session, Vocabulary(), _model(proposal)).ask(
        "how are tickets split across our customer types?", INSIGHTS_AS_OF
    )
    assert by_model.read_by == "model"
    assert by_model.rows == [["enterprise", 2], ["smb", 4]]
    # a spec that does not validate, prose, or a model that fails: the rules read it
    replies = ['{"metrics": ["churn_velocity"]}', "SELECT * FROM tickets", "I am not sure."]
    failing = GenericFakeChatModel(messages=iter([]))  # raises when asked
    for model in [*(_model(reply) for reply in replies), failing]:
        answer = InsightsService(session, Vocabulary(), model).ask(
            "tickets by channel", INSIGHTS_AS_OF
        )
        assert answer.read_by == "rules" and answer.rows == [["chat", 2], ["email", 4]]
    # a change is refused whatever the model proposes
    changing = InsightsService(session, Vocabulary(), _model('{"metrics": ["tickets"]}'))
    assert changing.ask("delete all tickets", INSIGHTS_AS_OF).clarification


def test_is_one_slower_than_the_other_compares_their_response_times() -> None:
    assert spec_of("Is email support slower than chat?") == {
        "metrics": ["first_response_time"],
        "dimensions": ["channel"],
        "filters": [{"dimension": "channel", "values": ["email", "chat"]}],
    }


def test_a_milestone_of_the_company_is_a_day_questions_can_name() -> None:
    from dataclasses import replace

    dated = replace(KNOWN, milestones={"price change": date(2026, 5, 1)})
    since = parse("NPS by segment since the price change", dated, AS_OF)
    assert since.period == Period(start=date(2026, 5, 1), end=None)
    around = parse("renewal rate before and after the price change", dated, AS_OF)
    assert around.compare == [Period(end=date(2026, 5, 1)), Period(start=date(2026, 5, 1))]
    # a company that has not dated it: no day is made up for it
    assert parse("NPS since the price change", KNOWN, AS_OF).period == Period()


NAMED = Known(
    vocabulary=Vocabulary(),
    plans=["Enterprise", "Growth", "Starter"],
    accounts=["Riverbend Law", "Riverbend Freight GmbH", "Quarry Properties SAS",
              "Kestrel Transport LLC"],
)  # fmt: skip


@pytest.mark.parametrize(
    ("question", "account"),
    [
        ("tickets from Riverbend Law last month", "Riverbend Law"),
        ("NPS of Quarry Properties", "Quarry Properties SAS"),  # said without its legal form
        ("how many tickets did kestrel open this year?", "Kestrel Transport LLC"),  # one has it
    ],
)
def test_an_account_named_filters_the_figure(question: str, account: str) -> None:
    filters = parse(question, NAMED, AS_OF).filters
    assert [(f.dimension, f.values) for f in filters] == [("account", [account])]


def test_a_name_several_accounts_share_is_asked_back_and_an_unknown_one_is_not_dropped() -> None:
    with pytest.raises(AskedBack, match="'riverbend': Riverbend Freight GmbH, Riverbend Law"):
        parse("tickets from Riverbend this year", NAMED, AS_OF)
    with pytest.raises(Unclear, match="do not know 'acme'"):
        parse("how many tickets did Acme open last month?", NAMED, AS_OF)
    with pytest.raises(Unclear, match="do not know 'dach'"):
        parse("NPS in DACH this year", NAMED, AS_OF)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        (
            "which accounts opened the most tickets last quarter?",
            {
                "metrics": ["tickets"],
                "dimensions": ["account"],
                "order": "desc",
                "limit": 1,
                "period": {"start": "2026-07-01", "end": "2026-10-01"},
            },
        ),
        ("CSAT by customer segment", {"metrics": ["csat"], "dimensions": ["segment"]}),
        (
            "what's our churn this year?",
            {
                "metrics": ["events"],
                "filters": [{"dimension": "type", "values": ["contract_cancelled"]}],
                "period": {"start": "2026-01-01", "end": "2026-11-16"},
            },
        ),
        (
            "how many new customers did we win in Q3?",
            {
                "metrics": ["accounts_reaching"],
                "filters": [{"dimension": "type", "values": ["contract_signed"]}],
                "period": {"start": "2026-07-01", "end": "2026-10-01"},
            },
        ),
        (
            "which plan has the most unhappy customers?",
            {"metrics": ["negative_share"], "dimensions": ["plan"], "order": "desc", "limit": 1},
        ),
    ],
)
def test_words_of_the_trade_are_read_as_their_figures(
    question: str, expected: dict[str, Any]
) -> None:
    assert spec_of(question) == expected


def test_a_figure_per_account_names_the_accounts(session: Session) -> None:
    insights_world(session)
    insights = InsightsService(session, Vocabulary())
    most = insights.ask("which customers opened the most tickets?", INSIGHTS_AS_OF)
    assert most.rows == [["Alder", 3]], most
    assert insights.ask("tickets from Birch", INSIGHTS_AS_OF).rows == [[2]]
    refused = insights.ask("average deal size this year", INSIGHTS_AS_OF)
    assert refused.rows == [] and refused.clarification


THEMED = Known(
    vocabulary=Vocabulary(),
    themes=["invoice, billing, finance", "sso, saml, certificate"],
    tags=["billing", "sso"],
    ticket_statuses=["closed", "open", "pending", "resolved"],
)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        (
            "NPS for the first half of 2026",
            {
                "metrics": ["nps", "promoters", "detractors"],
                "period": {"start": "2026-01-01", "end": "2026-07-01"},
            },
        ),
        (
            "CSAT by channel, 2026",
            {
                "metrics": ["csat"],
                "dimensions": ["channel"],
                "period": {"start": "2026-01-01", "end": "2026-11-16"},
            },
        ),
        (
            "median time proposal sent -> contract signed",
            {
                "metrics": ["time_between"],
                "from_event": "proposal_sent",
                "to_event": "contract_signed",
            },
        ),
        (
            "how many logins from SMB accounts this month?",
            {
                "metrics": ["events"],
                "filters": [
                    {"dimension": "segment", "values": ["smb"]},
                    {"dimension": "type", "values": ["login"]},
                ],
                "period": {"start": "2026-11-01", "end": "2026-11-16"},
            },
        ),
        (
            "the 3 themes with the worst sentiment",
            {"metrics": ["sentiment"], "dimensions": ["theme"], "order": "asc", "limit": 3},
        ),
        (
            "tickets in the 'invoice, billing, finance' theme",  # its words are no tag
            {
                "metrics": ["tickets"],
                "filters": [{"dimension": "theme", "values": ["invoice, billing, finance"]}],
            },
        ),
        (
            "tix split into positive / neutral / negative",
            {"metrics": ["tickets"], "dimensions": ["sentiment"]},
        ),
        (
            "how many tickets are open, pending or closed?",
            {"metrics": ["tickets"], "dimensions": ["status"]},
        ),
        (
            "renewal rate before vs after 1 May",
            {
                "metrics": ["renewal_rate"],
                "compare": [{"end": "2026-05-01"}, {"start": "2026-05-01"}],
            },
        ),
        (
            "average review rating before and after 1 May",  # one figure: "and" joins periods
            {
                "metrics": ["average_rating"],
                "compare": [{"end": "2026-05-01"}, {"start": "2026-05-01"}],
            },
        ),
        (
            "demos booked vs attended last quarter",  # the second shares the first one's noun
            {
                "metrics": ["events"],
                "dimensions": ["type"],
                "filters": [{"dimension": "type", "values": ["demo_attended", "demo_booked"]}],
                "period": {"start": "2026-07-01", "end": "2026-10-01"},
            },
        ),
        (
            "tickets that waited longer than a day",
            {"metrics": ["tickets_waiting"], "hours": 24.0},
        ),
        (
            "which 3 customers had the most negative tickets?",  # the most of them, not the lowest
            {
                "metrics": ["tickets"],
                "dimensions": ["account"],
                "filters": [{"dimension": "sentiment", "values": ["negative"]}],
                "order": "desc",
                "limit": 3,
            },
        ),
        (
            "top 2 hand-off reasons",
            {
                "metrics": ["conversations"],
                "dimensions": ["handoff_reason"],
                "order": "desc",
                "limit": 2,
            },
        ),
    ],
)
def test_more_ways_managers_write_a_question(question: str, expected: dict[str, Any]) -> None:
    spec = parse(question, THEMED, AS_OF)
    got = spec.model_dump(exclude_defaults=True, exclude={"as_of"}, mode="json")
    assert got == expected


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        (
            "The board wants to know whether pricing hurt loyalty. What's our NPS since 1 May?",
            {"metrics": ["nps", "promoters", "detractors"], "period": {"start": "2026-05-01"}},
        ),
        (
            "How many accounts started a trial last year? split by segment",  # goes on
            {
                "metrics": ["accounts_reaching"],
                "dimensions": ["segment"],
                "filters": [{"dimension": "type", "values": ["trial_started"]}],
                "period": {"start": "2025-01-01", "end": "2026-01-01"},
            },
        ),
        (
            "NPS before the price change versus after it",
            {
                "metrics": ["nps", "promoters", "detractors"],
                "compare": [{"end": "2026-05-01"}, {"start": "2026-05-01"}],
            },
        ),
        (
            "events in the three months before 1 May compared with the three months after",
            {
                "metrics": ["events"],
                "compare": [
                    {"start": "2026-02-01", "end": "2026-05-01"},
                    {"start": "2026-05-01", "end": "2026-08-01"},
                ],
            },
        ),
        (
            "How did CSAT change from Q2 to Q3?",
            {
                "metrics": ["csat"],
                "compare": [
                    {"start": "2026-04-01", "end": "2026-07-01"},
                    {"start": "2026-07-01", "end": "2026-10-01"},
                ],
            },
        ),
        (
            "tickets from march to may",
            {"metrics": ["tickets"], "period": {"start": "2026-03-01", "end": "2026-06-01"}},
        ),
        (
            "accounts that signed a contract in Q3 this year",
            {
                "metrics": ["accounts_reaching"],
                "filters": [{"dimension": "type", "values": ["contract_signed"]}],
                "period": {"start": "2026-07-01", "end": "2026-10-01"},
            },
        ),
        (
            "Across Starter, Growth and Enterprise, which plan has the weakest NPS?",
            {
                "metrics": ["nps", "promoters", "detractors"],
                "dimensions": ["plan"],
                "filters": [{"dimension": "plan", "values": ["Growth", "Starter", "Enterprise"]}],
                "order": "asc",
                "limit": 1,
            },
        ),
        (
            "which country waits the longest for a first reply? just the worst one",
            {
                "metrics": ["first_response_time"],
                "dimensions": ["country"],
                "order": "desc",
                "limit": 1,
            },
        ),
        (
            "Of all the flag reasons, which one carries the highest average severity?",
            {
                "metrics": ["average_severity"],
                "dimensions": ["reason"],
                "order": "desc",
                "limit": 1,
            },
        ),
        (
            "how many tix are open or pending",  # either, not a row each
            {
                "metrics": ["tickets"],
                "filters": [{"dimension": "status", "values": ["open", "pending"]}],
            },
        ),
        (
            "how many reviews below 3 stars on G2",
            {
                "metrics": ["reviews"],
                "filters": [
                    {"dimension": "platform", "values": ["g2"]},
                    {"dimension": "rating", "values": ["1", "2"]},
                ],
            },
        ),
    ],
)
def test_questions_with_their_context_ranges_and_either(
    question: str, expected: dict[str, Any]
) -> None:
    from dataclasses import replace

    known = replace(
        THEMED,
        plans=["Enterprise", "Growth", "Starter"],
        platforms=["g2", "capterra"],
        milestones={"price change": date(2026, 5, 1)},
    )
    spec = parse(question, known, AS_OF)
    assert spec.model_dump(exclude_defaults=True, exclude={"as_of"}, mode="json") == expected


@pytest.mark.parametrize(
    "question",
    [
        "If we raise prices again by 10% in January, how much will NPS drop?",
        "What NPS do we expect next quarter?",
        "tickets by support agent last month",
        "what did we spend on ads in Q3?",
    ],
)
def test_the_future_money_spent_and_staff_are_not_figures_held(question: str) -> None:
    with pytest.raises(Unclear, match="not a figure I hold"):
        parse(question, KNOWN, AS_OF)


def test_a_polite_request_to_change_data_is_refused_and_open_as_a_verb_is_no_status() -> None:
    with pytest.raises(Unclear, match="cannot change data"):
        parse("Can you delete all tickets from last month?", KNOWN, AS_OF)
    opened = parse("How many tickets did enterprise customers open the week before 1 May?",
                   THEMED, AS_OF)  # fmt: skip
    assert [f.dimension for f in opened.filters] == ["segment"]
    assert opened.period == Period(start=date(2026, 4, 24), end=date(2026, 5, 1))
