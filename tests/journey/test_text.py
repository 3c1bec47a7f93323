"""The shared text helpers: one tokenizer that splits as SQLite's FTS5 does, and sentence
splitters that each keep what their kind of text needs kept."""

from __future__ import annotations

from journey.text import (
    content_hash,
    content_words,
    feedback_sentences,
    lines_and_sentences,
    prose_sentences,
    sentences,
    stem,
    streamed_sentences,
    words,
)


def test_words_split_where_fts5_splits() -> None:
    assert words("Set user_id=42 in the ＡＰＩ, then RELOAD.") == [
        "set", "user", "id", "42", "in", "the", "api", "then", "reload",
    ]  # fmt: skip
    assert content_words("How do I set the user_id and the ID?") == ["set", "user", "id"]
    # Words that only colour a question say nothing of what it asks.
    assert content_words("what does Brightloop actually do, exactly?") == ["brightloop"]
    assert content_words("how much is Growth, for how many users?") == ["growth", "users"]
    assert content_hash("Refund  policy!") == content_hash("refund policy")
    assert stem("applications") == stem("application") == "applic"


def test_feedback_sentences_end_at_stops_blank_lines_and_bullets() -> None:
    text = "First point. Second one! Is it 3.5 or 4? Yes\n\nNew paragraph\n- a bullet\n- another"
    assert feedback_sentences(text) == [
        "First point.",
        "Second one!",
        "Is it 3.5 or 4?",
        "Yes",
        "New paragraph",
        "- a bullet",
        "- another",
    ]
    assert feedback_sentences("   ") == ["."]


def test_prose_keeps_abbreviations_that_any_stop_would_cut() -> None:
    text = "Use SSO, e.g. through Okta. Then invite people."
    assert prose_sentences(text) == ["Use SSO, e.g. through Okta.", "Then invite people."]
    assert sentences(text) == ["Use SSO, e.g.", "through Okta.", "Then invite people."]


def test_streamed_sentences_keep_their_citations_and_the_unfinished_rest() -> None:
    assert streamed_sentences("Refunds take 30 days. [1] [2] Invoices are") == [
        "Refunds take 30 days. [1] [2]",
        "Invoices are",
    ]


def test_lines_count_as_places_without_a_stop() -> None:
    assert lines_and_sentences("Plans\n- Growth: SSO\n- Scale: SCIM. Audit log.") == [
        "Plans",
        "- Growth: SSO",
        "- Scale: SCIM.",
        "Audit log.",
    ]


def test_a_streamed_sentence_waits_for_its_citation() -> None:
    # A model writes the mark after the stop: the sentence is not complete until the next one
    # begins, so its "[1]" is never cut off into a fragment of its own.
    assert streamed_sentences("Only Owners see billing. ") == ["Only Owners see billing. "]
    assert streamed_sentences("Only Owners see billing. [") == ["Only Owners see billing. ["]
    assert streamed_sentences("Only Owners see billing. [1]") == ["Only Owners see billing. [1]"]
    assert streamed_sentences("Owners only. [1] Next") == ["Owners only. [1]", "Next"]
