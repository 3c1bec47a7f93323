"""Sentiment, emotion and aspects with the packaged head and the real embedder; training a head
on a small CSV and the rules for reading labelled files; `evaluate_sentiment` next to VADER."""

from __future__ import annotations

import csv
import hashlib
import json
import re
from pathlib import Path

import numpy as np
import pytest

from feedback.aspects import aspect_sentiments, clauses
from feedback.evaluation import evaluate_sentiment
from feedback.sentiment import (
    LABELS,
    MAX_SENTENCES,
    PACKAGED_HEAD,
    HeadSentiment,
    VaderSentiment,
    aggregate,
    split_units,
)
from feedback.training import VERSION, label_mapping, read_labelled, train_sentiment
from ingestion.embeddings import SentenceTransformerEmbedder
from journey.errors import InvalidInput

NEGATIVE = [
    "Your product is terrible and nothing works.",
    "This is the worst service I have ever had, I am furious.",
    "The sync lost our data again and I am really disappointed.",
]
NEUTRAL = [
    "The invoice is attached to this email.",
    "Our team meeting is on Tuesday at 10am.",
    "Hi, where can I find the API docs?",
]
POSITIVE = [
    "Thank you so much, the new dashboard is fantastic!",
    "We love this tool, it made our team so much happier.",
    "Great onboarding session today, the whole team is excited.",
]
# A ticket long enough to be scored sentence by sentence, in the plain, courteous register
# of a request; FURIOUS goes in the middle of it.
REQUEST = [
    "We have been using the reporting module for a few months now.",
    "Our finance colleagues export the monthly report every first Monday.",
    "The export usually finishes within a few minutes and the file opens in Excel.",
    "Could you tell us whether the column order will change in the next release?",
]
FURIOUS = (
    "This is the third time the export has lost our data and I am absolutely furious, "
    "this is unacceptable."
)


# -- the packaged head ------------------------------------------------------------------------


def test_the_packaged_head_labels_clear_sentences(head: HeadSentiment) -> None:
    texts = NEGATIVE + NEUTRAL + POSITIVE
    labels = [r.label for r in head.analyze(texts)]
    expected = ["negative"] * 3 + ["neutral"] * 3 + ["positive"] * 3
    assert dict(zip(texts, labels, strict=True)) == dict(zip(texts, expected, strict=True))
    assert head.name == f"head:{VERSION}"
    assert head.analyze([]) == []


def test_score_and_confidence_follow_the_probabilities(head: HeadSentiment) -> None:
    for result in head.analyze(NEGATIVE + NEUTRAL + POSITIVE):
        p = result.probabilities
        assert set(p) == set(LABELS)
        assert sum(p.values()) == pytest.approx(1.0, abs=1e-3)
        assert -1.0 <= result.score <= 1.0
        assert result.score == pytest.approx(p["positive"] - p["negative"], abs=1e-3)
        assert result.confidence == pytest.approx(max(p.values()), abs=1e-3)
        assert result.confidence == p[result.label]
    clear_negative, clear_positive = head.analyze([NEGATIVE[0], POSITIVE[0]])
    assert clear_negative.score < -0.8 and clear_positive.score > 0.8


def test_one_furious_sentence_turns_a_long_calm_ticket_negative(head: HeadSentiment) -> None:
    calm = " ".join(REQUEST)
    furious = " ".join([*REQUEST[:2], FURIOUS, *REQUEST[2:]])
    assert len(calm) > 200  # scored sentence by sentence, not as one blurred vector
    calm_result, furious_result = head.analyze([calm, furious])
    assert calm_result.label == "neutral"
    assert furious_result.score < calm_result.score - 0.3
    assert furious_result.label == "negative"
    assert furious_result.probabilities["negative"] > calm_result.probabilities["negative"]


def test_a_furious_sentence_among_pleasantries_still_pulls_the_score_down(
    head: HeadSentiment,
) -> None:
    greeting = "Hello team, I hope you are all doing well."
    thanks = "Thank you for your time and have a nice week."
    polite = " ".join([greeting, *REQUEST, thanks])
    furious = " ".join([greeting, *REQUEST[:2], FURIOUS, *REQUEST[2:], thanks])
    polite_result, furious_result = head.analyze([polite, furious])
    assert furious_result.score < polite_result.score - 0.3
    assert furious_result.label == "negative"  # greetings and sign-offs are left out
    assert furious_result.probabilities["negative"] > polite_result.probabilities["negative"]


def test_greetings_and_sign_offs_are_not_scored_in_long_texts() -> None:
    text = "Hi Anna, hope you are well. " + " ".join(REQUEST) + " Thanks in advance. Best regards"
    units, _ = split_units([text])
    assert not any(u.startswith(("Hi Anna", "Thanks in advance", "Best regards")) for u in units)
    assert split_units(["Thank you!"])[0] == ["Thank you!"]  # alone, it is the message


def test_emotions_of_an_angry_and_a_grateful_text(head: HeadSentiment) -> None:
    angry, grateful = head.analyze(
        [
            "I am absolutely livid, this outage cost us a whole day of sales and nobody answers!",
            "Thank you so much for the quick help, we are really grateful!",
        ]
    )
    assert {"anger", "frustration"} & set(angry.emotions)
    assert not {"gratitude", "joy"} & set(angry.emotions)
    assert {"gratitude", "joy"} & set(grateful.emotions)
    assert not {"anger", "frustration"} & set(grateful.emotions)
    assert all(0.35 <= v <= 1 for v in [*angry.emotions.values(), *grateful.emotions.values()])


def test_vader_baseline_follows_its_compound_thresholds() -> None:
    terrible, plain, lovely = VaderSentiment().analyze(
        ["This is terrible and awful.", "The meeting is on Tuesday.", "I love it, great work!"]
    )
    assert (terrible.label, plain.label, lovely.label) == ("negative", "neutral", "positive")
    assert terrible.score < -0.05 < 0.05 < lovely.score and plain.score == 0


# -- sentences and aggregation ----------------------------------------------------------------


def test_split_units_keeps_short_texts_whole_and_caps_long_ones() -> None:
    short = "Fine. Thanks."
    long = " ".join(f"Sentence number {i} is here." for i in range(MAX_SENTENCES + 10))
    units, spans = split_units([short, long, ""])
    assert units[0] == short
    assert spans[0] == (0, 1)
    assert spans[1] == (1, 1 + MAX_SENTENCES)
    assert units[1] == "Sentence number 0 is here."
    assert spans[2] == (1 + MAX_SENTENCES, 2 + MAX_SENTENCES) and units[-1] == "."


def test_aggregate_weighs_the_most_opinionated_sentence() -> None:
    classes = list(LABELS)
    one = np.array([[0.2, 0.5, 0.3]])
    assert aggregate(one, classes) == pytest.approx(
        {"negative": 0.2, "neutral": 0.5, "positive": 0.3}
    )
    rows = np.array([[0.05, 0.9, 0.05]] * 5 + [[0.95, 0.03, 0.02]])
    combined = aggregate(rows, classes)
    mean = rows.mean(axis=0)
    assert combined["negative"] == pytest.approx(0.5 * mean[0] + 0.5 * 0.95)
    assert combined["negative"] > combined["neutral"]
    assert sum(combined.values()) == pytest.approx(1.0)


# -- labels and training ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "expected",
    [
        {"negative": "negative", "neutral": "neutral", "positive": "positive"},
        {"neg": "negative", "neu": "neutral", "pos": "positive"},
        {"0": "negative", "1": "positive"},
        {"-1": "negative", "0": "neutral", "1": "positive"},
        {"1": "negative", "2": "negative", "3": "neutral", "4": "positive", "5": "positive"},
    ],
    ids=["words", "short words", "0/1", "-1/0/1", "1-5 stars"],
)
def test_label_mapping_reads_the_whole_column(expected: dict[str, str]) -> None:
    mapping = label_mapping({f" {value.upper()} " for value in expected})
    assert {value: mapping[value] for value in expected} == expected


def test_the_same_digit_means_different_things_on_different_scales() -> None:
    assert label_mapping({"0", "1"})["1"] == "positive"
    assert label_mapping({"1", "2", "3", "4", "5"})["1"] == "negative"
    assert label_mapping({"-1", "0", "1"})["0"] == "neutral"
    assert "3" not in label_mapping({"0", "1", "3", "positive"})


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def test_read_labelled_maps_labels_and_skips_unusable_rows(tmp_path: Path) -> None:
    data = write_csv(
        tmp_path / "stars.csv",
        ["review", "stars"],
        [["Awful.", "1"], ["Okay.", "3"], ["", "5"], ["Great!", "5"], ["No label", ""]],
    )
    texts, labels, emotions = read_labelled(data, "review", "stars")
    assert texts == ["Awful.", "Okay.", "Great!"]
    assert labels == ["negative", "neutral", "positive"]
    assert emotions == [None, None, None]


def test_read_labelled_errors_are_readable(tmp_path: Path) -> None:
    data = write_csv(tmp_path / "a.csv", ["text", "sentiment"], [["Fine", "positive"]])
    with pytest.raises(InvalidInput) as missing:
        read_labelled(data, "text", "label")
    assert missing.value.detail == "a.csv: no column label (columns: text, sentiment)"
    unknown = write_csv(tmp_path / "b.csv", ["text", "label"], [["Fine", "great"], ["Meh", "?"]])
    with pytest.raises(InvalidInput) as unusable:
        read_labelled(unknown, "text", "label")
    assert unusable.value.detail == "b.csv: no row with a text and a known label in 'label'"
    with pytest.raises(InvalidInput, match="no such file"):
        read_labelled(tmp_path / "absent.csv", "text", "label")


TRAINING_ROWS = [
    *[[t, "negative", "anger"] for t in (
        "This is the worst support I have ever had.",
        "Your billing team overcharged us again, unacceptable.",
        "I am furious, the app deleted our reports.",
        "Terrible product, it crashes every day.",
        "Nobody answers our tickets, we are fed up.",
        "The upgrade broke everything and you don't care.",
    )],
    *[[t, "neutral", "none"] for t in (
        "Where can I download the invoice?",
        "Our office moves to Berlin in May.",
        "Please update the billing address on file.",
        "The meeting is scheduled for Tuesday at ten.",
        "How many seats are on our plan?",
        "We use the reporting module every Monday.",
    )],
    *[[t, "positive", "joy"] for t in (
        "Brilliant tool, the team loves it.",
        "Setup was quick and the dashboards are beautiful.",
        "Thank you, the new release is fantastic.",
        "Best support we have ever had, so helpful.",
        "We are delighted with the reporting features.",
        "Great value and a wonderful onboarding.",
    )],
]  # fmt: skip


class HashingEmbedder:
    """A second, different embedder: hashed word counts, unit length. A real implementation
    of the interface, standing in for "the install switched embedding models"."""

    name = "hashing-64"
    dimensions = 64

    def embed(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in re.findall(r"[a-z']+", text.lower()):
                out[i, int(hashlib.md5(word.encode()).hexdigest(), 16) % self.dimensions] += 1
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)


def test_train_sentiment_makes_a_head_that_loads_and_scores(
    tmp_path: Path, embedder: SentenceTransformerEmbedder
) -> None:
    data = write_csv(tmp_path / "mine.csv", ["text", "sentiment", "emotion"], TRAINING_ROWS)
    steps: list[str] = []
    report = train_sentiment(
        embedder, data, tmp_path / "heads" / "mine.json", progress=steps.append
    )
    assert steps == ["embedding", "cross-validating", "fitting"]
    assert report.rows == 18
    assert report.labels == {"negative": 6, "neutral": 6, "positive": 6}
    assert report.emotions == {"anger": 6, "none": 6, "joy": 6}
    assert 0 <= report.cv_accuracy <= 1 and 0 <= report.cv_macro_f1 <= 1
    stored = json.loads(report.path.read_text())
    assert stored["embedder"] == embedder.name and stored["trained_on"] == "mine.csv"
    assert stored["sentiment"]["classes"] == ["negative", "neutral", "positive"]

    mine = HeadSentiment(embedder, report.path)
    assert mine.path == report.path and mine.name == f"head:{VERSION}"
    angry, plain, happy = mine.analyze(
        [
            "I am furious, your billing team overcharged us again.",
            "Where do I update the billing address?",
            "The team loves the beautiful dashboards.",
        ]
    )
    assert (angry.label, plain.label, happy.label) == ("negative", "neutral", "positive")
    assert "anger" in angry.emotions and "joy" in happy.emotions


def test_a_head_trained_on_another_embedder_is_refused(
    tmp_path: Path, embedder: SentenceTransformerEmbedder
) -> None:
    data = write_csv(tmp_path / "mine.csv", ["text", "sentiment", "emotion"], TRAINING_ROWS)
    other = HashingEmbedder()
    report = train_sentiment(other, data, tmp_path / "hashing.json")
    assert HeadSentiment(other, report.path).analyze(["Terrible product."])[0].label
    with pytest.raises(InvalidInput) as refused:
        HeadSentiment(embedder, report.path)
    assert "trained on 'hashing-64' embeddings" in refused.value.detail
    assert "'all-MiniLM-L6-v2'" in refused.value.detail
    assert "journey train sentiment" in refused.value.detail
    with pytest.raises(InvalidInput, match="not found"):
        HeadSentiment(embedder, tmp_path / "absent.json")


def test_training_needs_two_labels_and_skips_unknown_emotions(
    tmp_path: Path, embedder: SentenceTransformerEmbedder
) -> None:
    single = write_csv(tmp_path / "one.csv", ["text", "sentiment"], [["Bad.", "negative"]] * 6)
    with pytest.raises(InvalidInput, match=r"one\.csv: needs at least two different labels"):
        train_sentiment(embedder, single, tmp_path / "x.json")
    binary = write_csv(
        tmp_path / "binary.csv",
        ["text", "label", "feeling"],
        [[t, {"negative": "0", "positive": "1"}[s], "rage"]
         for t, s, _ in TRAINING_ROWS if s != "neutral"],
    )  # fmt: skip
    report = train_sentiment(
        embedder, binary, tmp_path / "binary.json", label_col="label", emotion_col="feeling"
    )
    assert report.labels == {"negative": 6, "positive": 6} and report.emotions == {}
    stored = json.loads(report.path.read_text())
    assert "emotion" not in stored
    assert stored["sentiment"]["classes"] == ["negative", "positive"]
    result = HeadSentiment(embedder, report.path).analyze(["Terrible product, it crashes."])[0]
    assert set(result.probabilities) == {"negative", "positive"} and result.emotions == {}
    assert result.label == "negative"


def test_the_packaged_head_is_plain_json() -> None:
    stored = json.loads(PACKAGED_HEAD.read_text())
    assert stored["embedder"] == "all-MiniLM-L6-v2"
    assert stored["sentiment"]["classes"] == list(LABELS)
    assert set(stored["emotion"]["classes"]) >= {"anger", "gratitude", "none"}


# -- evaluation -------------------------------------------------------------------------------


def test_evaluate_sentiment_on_three_classes(head: HeadSentiment) -> None:
    texts = NEGATIVE + NEUTRAL + POSITIVE
    gold = ["negative"] * 3 + ["neutral"] * 3 + ["positive"] * 3
    done: list[int] = []
    figures = evaluate_sentiment(head, [VaderSentiment()], texts, gold, done.append)
    assert sum(done) == 2 * len(texts)
    assert figures["accuracy"] == 1.0 and figures["macro_f1"] == 1.0
    assert figures["f1_negative"] == figures["f1_neutral"] == figures["f1_positive"] == 1.0
    assert figures["confusion"] == {
        "labels": ["negative", "neutral", "positive"],
        "rows_gold_columns_predicted": [[3, 0, 0], [0, 3, 0], [0, 0, 3]],
    }
    assert figures["model"] == f"head:{VERSION}"
    assert figures["rows"] == 9 and figures["classes"] == 3
    vader = figures["baselines"]["vader"]
    assert set(vader) >= {"accuracy", "macro_f1", "f1_negative", "f1_neutral", "f1_positive"}
    matrix = vader["confusion"]["rows_gold_columns_predicted"]
    assert [sum(row) for row in matrix] == [3, 3, 3]
    assert vader["accuracy"] == pytest.approx(sum(matrix[i][i] for i in range(3)) / 9)


FINE = "The product is fine for what we need."


def test_evaluate_sentiment_on_binary_data_has_two_classes(
    tmp_path: Path, head: HeadSentiment
) -> None:
    data = write_csv(
        tmp_path / "binary.csv",
        ["text", "label"],
        [[t, "0"] for t in NEGATIVE] + [[t, "1"] for t in POSITIVE] + [[FINE, "1"]],
    )
    texts, gold, _ = read_labelled(data, "text", "label")
    assert head.analyze([FINE])[0].label == "neutral"  # on two classes its score's sign decides
    figures = evaluate_sentiment(head, [VaderSentiment()], texts, gold)
    assert figures["classes"] == 2 and "f1_neutral" not in figures
    assert figures["confusion"]["labels"] == ["negative", "positive"]
    for result in (figures, figures["baselines"]["vader"]):
        matrix = result["confusion"]["rows_gold_columns_predicted"]
        assert len(matrix) == 2 and [sum(row) for row in matrix] == [3, 4]
        assert 0 <= result["macro_f1"] <= 1
    assert figures["f1_negative"] == 1.0 and figures["f1_positive"] == 1.0


# -- aspects ----------------------------------------------------------------------------------


def test_each_aspect_keeps_its_own_opinion(head: HeadSentiment) -> None:
    assert clauses("Love the product, hate the billing.") == [
        "Love the product",
        "hate the billing.",
    ]
    [aspects] = aspect_sentiments(["Love the product, hate the billing."], head)
    assert set(aspects) == {"product_quality", "billing"}
    assert aspects["product_quality"] > 0 > aspects["billing"]


def test_aspects_cut_at_contrasts_and_ignore_unnamed_topics(head: HeadSentiment) -> None:
    mixed, nothing = aspect_sentiments(
        [
            "Support was friendly and fast, but the Salesforce integration keeps failing.",
            "We had a lovely time at the conference.",
        ],
        head,
    )
    assert mixed["support"] > 0
    assert mixed["integrations"] < 0
    assert nothing == {}
    assert clauses("The price is fair; the SSO setup was painful") == [
        "The price is fair",
        "the SSO setup was painful",
    ]
