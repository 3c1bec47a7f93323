"""The conversation risk on hand-made chats, and `evaluate_moments` on USS-format files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from builders import SHARED_EVAL

from feedback.conversation_risk import score_conversations, score_turns
from feedback.evaluation import evaluate_moments
from feedback.sentiment import HeadSentiment
from ingestion.embeddings import SentenceTransformerEmbedder
from journey.errors import InvalidInput

USS = SHARED_EVAL / "uss_satisfaction" / "dialogues.jsonl"
REQUEST = "Can you send me the price list for the Pro plan?"


@pytest.fixture(scope="module")
def sentiment(embedder: SentenceTransformerEmbedder) -> HeadSentiment:
    return HeadSentiment(embedder)


def last_risk(
    sentiment: HeadSentiment, embedder: SentenceTransformerEmbedder, *turns: tuple[str, str]
) -> float:
    risk = score_turns(list(turns), sentiment, embedder)[-1]
    assert risk is not None
    return risk


def test_a_repeated_request_after_a_failing_reply_is_riskier(
    sentiment: HeadSentiment, embedder: SentenceTransformerEmbedder
) -> None:
    after_failure, after_answer = score_conversations(
        [
            [
                ("user", REQUEST),
                ("system", "I'm sorry, I couldn't find anything about that."),
                ("user", REQUEST),
            ],
            [
                ("user", REQUEST),
                ("system", "Here it is: the Pro plan is 49 euros per seat and month."),
                ("user", REQUEST),
            ],
        ],
        sentiment,
        embedder,
    )
    assert after_failure[2] is not None and after_answer[2] is not None
    assert after_failure[2] > after_answer[2]


def test_a_correction_is_riskier_than_a_neutral_follow_up(
    sentiment: HeadSentiment, embedder: SentenceTransformerEmbedder
) -> None:
    opening = [
        ("user", "Please book me a demo on Tuesday."),
        ("system", "Your demo is booked for Thursday at 10:00."),
    ]
    correction = last_risk(sentiment, embedder, *opening, ("user", "No, I said Tuesday."))
    follow_up = last_risk(
        sentiment, embedder, *opening, ("user", "Can you send the invite to my colleague too?")
    )
    assert correction > follow_up


def test_risks_are_probabilities_for_user_turns_only(
    sentiment: HeadSentiment, embedder: SentenceTransformerEmbedder
) -> None:
    risks = score_turns(
        [("user", REQUEST), ("system", "Sorry, I can't help."), ("user", "Useless. Again?")],
        sentiment,
        embedder,
    )
    assert risks[1] is None
    assert all(r is not None and 0 <= r <= 1 for r in (risks[0], risks[2]))
    assert score_turns([], sentiment, embedder) == []


def test_product_roles_are_aliases(
    sentiment: HeadSentiment, embedder: SentenceTransformerEmbedder
) -> None:
    texts = [REQUEST, "Sorry, that is not available.", "No, I asked for the price list."]

    def risks_with(*roles: str) -> list[float | None]:
        return score_turns(list(zip(roles, texts, strict=True)), sentiment, embedder)

    uss = risks_with("user", "system", "user")
    assert risks_with("visitor", "bot", "visitor") == uss
    assert risks_with("Visitor", "agent", "visitor") == uss
    with pytest.raises(InvalidInput, match="unknown role"):
        score_turns([("customer", REQUEST)], sentiment, embedder)


def write_dialogues(path: Path, dialogues: list[list[tuple[str, str, int | None]]]) -> Path:
    rows = [
        {"dialogue_id": f"T-{i}", "turns": [
            {"role": role, "text": text, "satisfaction": rating} for role, text, rating in turns
        ]}
        for i, turns in enumerate(dialogues)
    ]  # fmt: skip
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return path


def test_evaluate_moments_reports_auroc_and_baselines(
    tmp_path: Path, sentiment: HeadSentiment, embedder: SentenceTransformerEmbedder
) -> None:
    file = write_dialogues(
        tmp_path / "rated.jsonl",
        [
            [
                ("user", "I need an invoice for March.", 3),
                ("system", "Sorry, I am unable to find that invoice.", None),
                ("user", "No, I already told you: the invoice for March.", 2),
                ("system", "I'm afraid there is no such invoice.", None),
                ("user", "Thanks, I will ask my account manager.", 3),
            ],
            [
                ("user", "How do I add a user to my workspace?", 3),
                ("system", "Open Settings, then Members, then Invite.", None),
                ("user", "Great, that worked, thank you!", 4),
                ("system", "Glad to help.", None),
                ("user", "Bye", None),
            ],
        ],
    )
    seen: list[tuple[int, int]] = []
    figures = evaluate_moments(
        file, sentiment, embedder, progress=lambda done, total: seen.append((done, total))
    )
    assert {"auroc", "precision", "recall", "f1", "flagged_share", "threshold"} <= set(figures)
    assert (figures["n"], figures["dissatisfied"], figures["dialogues"]) == (5, 1, 2)
    assert figures["auroc"] == 1.0  # the correction after two failures is the riskiest turn
    assert set(figures["baselines"]) == {"vader", "sentiment_only"}
    assert all(0 <= b["auroc"] <= 1 for b in figures["baselines"].values())
    assert seen[-1] == (6, 6)  # the six user turns, rated or not

    figures = evaluate_moments(file, sentiment, embedder, limit=1)
    assert figures["dialogues"] == 1

    with pytest.raises(InvalidInput, match="both 1-2 and above 2"):
        evaluate_moments(
            write_dialogues(tmp_path / "happy.jsonl", [[("user", "Hi", 3)]]), sentiment, embedder
        )


@pytest.mark.skipif(not USS.is_file(), reason="the shared eval data is not present")
def test_the_risk_beats_sentiment_alone_on_uss(
    sentiment: HeadSentiment, embedder: SentenceTransformerEmbedder
) -> None:
    figures: dict[str, Any] = evaluate_moments(USS, sentiment, embedder, limit=50)
    assert figures["dialogues"] == 50
    assert figures["auroc"] >= 0.75
    assert figures["auroc"] > figures["baselines"]["sentiment_only"]["auroc"] + 0.1
    assert figures["auroc"] > figures["baselines"]["vader"]["auroc"] + 0.1
