from assistant.extractive import extractive_answer
from assistant.grounding import clean_citations, groundedness
from assistant.retrieval import Passage


def passage(text: str, title: str = "Doc") -> Passage:
    return Passage(
        id=title,
        text=text,
        source="kb",
        title=title,
        url=None,
        section=None,
        score=1.0,
        dense=0.5,
        keyword=1.0,
    )


REFUNDS = passage(
    "Monthly plans can cancel anytime. Annual plans get a full refund within 30 days of the "
    "first purchase. After that there is no refund.",
    "Refunds",
)
INVOICES = passage(
    "Invoices are issued in EUR, USD or GBP. Find them under Settings, Billing.", "Invoices"
)


def test_citations_to_nothing_are_removed() -> None:
    text, used = clean_citations(
        "Refunds within 30 days [1]. Also [7] and [2].", [REFUNDS, INVOICES]
    )
    assert text == "Refunds within 30 days [1]. Also and [2]."
    assert used == [1, 2]


def test_groundedness_separates_supported_from_invented() -> None:
    grounded = groundedness("Annual plans get a full refund within 30 days [1].", [REFUNDS])
    invented = groundedness("Every plan includes a free espresso machine [1].", [REFUNDS])
    assert grounded == 1.0
    assert invented < 0.3
    half = groundedness(
        "Annual plans get a full refund within 30 days [1]. Espresso machines ship free [1].",
        [REFUNDS],
    )
    assert 0.3 < half < 0.8


def test_extractive_answer_picks_the_supporting_sentence() -> None:
    answer = extractive_answer("Can I get a refund on an annual plan?", [REFUNDS, INVOICES])
    assert "full refund within 30 days" in answer and answer.endswith("[1]")
    assert groundedness(answer, [REFUNDS, INVOICES]) == 1.0
    currency = extractive_answer("which currency are invoices in", [INVOICES, REFUNDS])
    assert currency.startswith("Invoices are issued in EUR, USD or GBP. [1]")


def test_extractive_answer_needs_passages() -> None:
    assert extractive_answer("anything", []) == ""
